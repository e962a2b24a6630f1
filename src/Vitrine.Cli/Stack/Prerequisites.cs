using Spectre.Console;

namespace Vitrine.Cli.Stack;

/// <summary>A program the stack needs, and the Debian package that provides it.</summary>
public sealed record Prerequisite(string Name, string DebianPackage, Func<bool> IsPresent);

/// <summary>Installs what is missing from the distribution's packages (Debian/Ubuntu), or says what to install.</summary>
public static class Prerequisites
{
    public static readonly Prerequisite PostgreSql = new("PostgreSQL server", "postgresql", () => PostgresTools.FindBinDirectory() is not null);
    public static readonly Prerequisite Redis = new("Redis server", "redis-server", () => OnPath("redis-server"));
    public static readonly Prerequisite Nginx = new("nginx", "nginx", () => File.Exists("/usr/sbin/nginx"));
    public static readonly Prerequisite NginxBrotli = new("nginx brotli modules", "libnginx-mod-http-brotli-filter libnginx-mod-http-brotli-static",
        () => File.Exists("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so") && File.Exists("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"));
    public static readonly Prerequisite PgBouncer = new("PgBouncer", "pgbouncer", () => File.Exists("/usr/sbin/pgbouncer"));
    public static readonly Prerequisite PgBackRest = new("pgBackRest", "pgbackrest", () => OnPath("pgbackrest"));
    public static readonly Prerequisite Prometheus = new("Prometheus (and promtool)", "prometheus", () => OnPath("prometheus") && OnPath("promtool"));
    public static readonly Prerequisite Alertmanager = new("Alertmanager (and amtool)", "prometheus-alertmanager", () => OnPath("prometheus-alertmanager") && OnPath("amtool"));
    public static readonly Prerequisite Exporters = new("Prometheus exporters for nginx, Redis, PostgreSQL and the host",
        "prometheus-nginx-exporter prometheus-redis-exporter prometheus-postgres-exporter prometheus-node-exporter",
        () => OnPath("prometheus-nginx-exporter") && OnPath("prometheus-redis-exporter") && OnPath("prometheus-postgres-exporter") && OnPath("prometheus-node-exporter"));
    public static readonly Prerequisite Node = new("Node.js", "nodejs", () => OnPath("node"));
    public static readonly Prerequisite Npm = new("npm", "npm", () => OnPath("npm"));
    public static readonly Prerequisite Python = new("Python 3 (its smtpd is the tests' SMTP server)", "python3", () => OnPath("python3"));

    /// <summary>Everything `up` starts.</summary>
    public static readonly IReadOnlyList<Prerequisite> Stack = [PostgreSql, Redis, PgBouncer, PgBackRest, Nginx, NginxBrotli, Prometheus, Alertmanager, Exporters];

    public static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
        .Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Any(directory => File.Exists(Path.Combine(directory, program)));

    /// <summary>Installs every missing prerequisite; returns false (having said why) when it cannot.</summary>
    public static async Task<bool> EnsureAsync(IReadOnlyList<Prerequisite> needed, CancellationToken cancellationToken)
    {
        var missing = needed.Where(p => !p.IsPresent()).ToList();
        if (missing.Count == 0)
        {
            return true;
        }

        var packages = missing.SelectMany(p => p.DebianPackage.Split(' ')).Distinct().ToList();
        if (!IsDebianLike())
        {
            AnsiConsole.MarkupLineInterpolated($"[red]Missing:[/] {string.Join(", ", missing.Select(p => p.Name))}. This OS is not Debian or Ubuntu: install them with your package manager (Debian names: {string.Join(" ", packages)}) and run this command again.");
            return false;
        }

        string[] prefix = Shell.IsRoot ? [] : Prerequisites.OnPath("sudo") ? ["sudo", "-n"] : [];
        if (!Shell.IsRoot && prefix.Length == 0)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]Missing:[/] {string.Join(", ", missing.Select(p => p.Name))}. Run as root (or install sudo), or install them yourself: apt-get install {string.Join(" ", packages)}");
            return false;
        }

        var environment = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
        Shell.Result? failed = null;
        await AnsiConsole.Status().StartAsync($"Installing {string.Join(", ", packages)} from the distribution's packages…", async status =>
        {
            var update = await Run(prefix, ["apt-get", "update", "-qq"], environment, cancellationToken);
            if (!update.Succeeded)
            {
                failed = update;
                return;
            }

            status.Status($"apt-get install {string.Join(" ", packages)}…");
            var install = await Run(prefix, ["apt-get", "install", "-y", "-qq", "--no-install-recommends", .. packages], environment, cancellationToken);
            if (!install.Succeeded)
            {
                failed = install;
            }
        });

        if (failed is not null)
        {
            AnsiConsole.WriteLine(failed.Output);
            AnsiConsole.MarkupLineInterpolated($"[red]Installing {string.Join(" ", packages)} failed[/] (exit {failed.ExitCode}).");
            return false;
        }

        var stillMissing = missing.Where(p => !p.IsPresent()).ToList();
        if (stillMissing.Count > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]Still missing after install:[/] {string.Join(", ", stillMissing.Select(p => p.Name))}.");
            return false;
        }

        AnsiConsole.MarkupLineInterpolated($"[green]Installed[/] {string.Join(", ", packages)}.");
        return true;
    }

    private static Task<Shell.Result> Run(string[] prefix, string[] command, Dictionary<string, string> environment, CancellationToken cancellationToken)
    {
        string[] full = [.. prefix, .. command];
        return Shell.RunAsync(full[0], full[1..], environment: environment, cancellationToken: cancellationToken);
    }

    private static bool IsDebianLike()
    {
        if (!File.Exists("/etc/os-release"))
        {
            return false;
        }

        var fields = File.ReadAllLines("/etc/os-release")
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1].Trim('"'), StringComparer.Ordinal);
        return fields.GetValueOrDefault("ID") is "debian" or "ubuntu"
            || (fields.GetValueOrDefault("ID_LIKE") ?? "").Split(' ').Contains("debian");
    }
}

public static class PostgresTools
{
    /// <summary>The newest installed PostgreSQL's bin directory (Debian keeps them per major version).</summary>
    public static string? FindBinDirectory()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        return Directory.GetDirectories(root)
            .Select(directory => (Directory: directory, Version: int.TryParse(Path.GetFileName(directory), out var v) ? v : 0))
            .Where(candidate => File.Exists(Path.Combine(candidate.Directory, "bin", "initdb")))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => Path.Combine(candidate.Directory, "bin"))
            .FirstOrDefault();
    }

    public static string Binary(string name) =>
        Path.Combine(FindBinDirectory() ?? throw new InvalidOperationException("PostgreSQL is not installed."), name);
}
