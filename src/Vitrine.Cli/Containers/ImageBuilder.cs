using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Spectre.Console;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Containers;

/// <summary>
/// A base made from Debian packages (mmdebstrap + docker import): what the SDK's container build starts from for the
/// apps, and the whole of a server image. Hook runs after the packages are in (as mmdebstrap's customize hook, $1 is
/// the root). The base is tagged with a hash of its recipe, so it is built once and reused until the recipe changes.
/// </summary>
public sealed record DebianBase(string Name, string Packages, string Hook, string User, string Path = "/usr/sbin:/usr/bin:/sbin:/bin")
{
    public string Tag => $"vitrine/base-{Name}:{Hash}";

    public string Hash => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Join('\n', ImageBuilder.Suite, ImageBuilder.Variant, Packages, Hook, string.Join(' ', ImageBuilder.Excludes))))).ToLowerInvariant()[..12];
}

/// <summary>`vitrine images`: every image of the Compose stack, cached, one step at a time (2 shared cores).</summary>
public sealed class ImageBuilder(DockerEngine engine)
{
    public const string Suite = "bookworm";
    public const string Variant = "essential";

    /// <summary>The local registry the SDK pulls the app base from (none public is reachable here).</summary>
    public static readonly StackPort Registry = new("local image registry (only while images build)", "VITRINE_REGISTRY_PORT", 35500);

    /// <summary>Documentation, manuals and translations are not needed in an image.</summary>
    public static readonly string[] Excludes = ["/usr/share/doc/*", "/usr/share/man/*", "/usr/share/locale/*", "/usr/share/info/*"];

    /// <summary>The label that says which sources a .NET image was built from (its cache key).</summary>
    private const string SourcesLabel = "io.vitrine.sources";

    private const string PostgresBin = "/usr/lib/postgresql/15/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>What runtime-deps holds (the apps are self-contained), and the seed's uid 1001 as the user "app".</summary>
    public static readonly DebianBase Dotnet = new("dotnet", "libssl3,ca-certificates,tzdata,libstdc++6,zlib1g",
        """echo "app:x:1001:1001:app:/nonexistent:/usr/sbin/nologin" >> "$1/etc/passwd"; echo "app:x:1001:" >> "$1/etc/group" """.Trim(), "1001");

    /// <summary>The servers, from Debian's packages; each runs our deploy/ configuration, mounted read-only.</summary>
    public static readonly IReadOnlyList<DebianBase> Servers =
    [
        new("nginx", "nginx,libnginx-mod-http-brotli-filter,libnginx-mod-http-brotli-static", "true", "www-data"),
        // No "main" cluster from the package (the entrypoint makes the data directory); the data path, pgBackRest's
        // repository and the socket directory owned by postgres so a new volume mounted there is the postgres user's.
        new("postgres", "postgresql-15,pgbackrest",
            """rm -rf "$1/var/lib/postgresql/15" "$1/etc/postgresql/15"; chroot "$1" install -d -o postgres -g postgres -m 700 /var/lib/postgresql/data /var/lib/postgresql/socket /var/lib/pgbackrest""",
            "postgres", PostgresBin),
        new("pgbouncer", "pgbouncer,postgresql-client-15", "true", "postgres", PostgresBin),
        new("redis", "redis-server", """chroot "$1" install -d -o redis -g redis -m 750 /data""", "redis"),
        // Prometheus and Alertmanager (one image, two services): each one's data directory nobody's.
        new("prometheus", "prometheus,prometheus-alertmanager", """chroot "$1" install -d -o nobody -g nogroup /prometheus /alertmanager""", "nobody"),
        new("exporters", "prometheus-nginx-exporter,prometheus-redis-exporter,prometheus-postgres-exporter,prometheus-node-exporter", "true", "nobody"),
    ];

    /// <summary>The .NET projects built into images by the SDK (Containers.props names their repositories).</summary>
    public static readonly IReadOnlyList<(string Image, string Project)> Apps =
    [
        ("api", "src/Vitrine.Api/Vitrine.Api.csproj"),
        ("web", "src/Vitrine.Web/Vitrine.Web.csproj"),
        ("migrate", "src/Vitrine.Cli/Vitrine.Cli.csproj"),
    ];

    public static IEnumerable<string> AllImages => Apps.Select(app => app.Image).Concat(Servers.Select(server => server.Name)).Select(name => $"vitrine/{name}:latest");

    private StackLayout Layout => engine.Layout;

    public async Task<bool> BuildAllAsync(CancellationToken cancellationToken)
    {
        var (revision, version, sources) = await SourceAsync(cancellationToken);
        foreach (var server in Servers)
        {
            if (!await EnsureBaseAsync(server, cancellationToken) || !await FinishServerAsync(server, revision, version, cancellationToken))
            {
                return false;
            }
        }

        if (!await EnsureBaseAsync(Dotnet, cancellationToken))
        {
            return false;
        }

        var stale = new List<(string Image, string Project)>();
        foreach (var app in Apps)
        {
            var label = await engine.DockerAsync(["image", "inspect", $"vitrine/{app.Image}:latest", "--format", $"{{{{index .Config.Labels \"{SourcesLabel}\"}}}}"], cancellationToken: cancellationToken);
            if (sources is not null && label.Succeeded && label.Output.Trim() == sources)
            {
                Step($"vitrine/{app.Image}", "cached (built from these sources)");
            }
            else
            {
                stale.Add(app);
            }
        }

        return stale.Count == 0 || await PublishAppsAsync(stale, revision, version, sources ?? "", cancellationToken);
    }

    /// <summary>Name and size of every image, for the table `images` ends with.</summary>
    public async Task<IReadOnlyList<(string Image, long Bytes)>> SizesAsync(CancellationToken cancellationToken)
    {
        var sizes = new List<(string, long)>();
        foreach (var image in AllImages)
        {
            var size = await engine.DockerAsync(["image", "inspect", image, "--format", "{{.Size}}"], cancellationToken: cancellationToken);
            sizes.Add((image, size.Succeeded && long.TryParse(size.Output.Trim(), CultureInfo.InvariantCulture, out var bytes) ? bytes : -1));
        }

        return sizes;
    }

    private async Task<bool> EnsureBaseAsync(DebianBase debianBase, CancellationToken cancellationToken)
    {
        if ((await engine.DockerAsync(["image", "inspect", debianBase.Tag, "--format", "{{.Id}}"], cancellationToken: cancellationToken)).Succeeded)
        {
            Step(debianBase.Tag, "cached");
            return true;
        }

        var directory = Path.Combine(Layout.StateDirectory, "images");
        Directory.CreateDirectory(directory);
        var tarball = Path.Combine(directory, debianBase.Name + ".tar");
        var clock = Stopwatch.StartNew();
        string[] arguments =
        [
            $"--variant={Variant}", $"--include={debianBase.Packages}", .. Excludes.Select(path => $"--dpkgopt=path-exclude={path}"),
            $"--customize-hook={debianBase.Hook}", Suite, tarball, .. MirrorArguments(),
        ];
        var built = await WithStatusAsync($"{debianBase.Tag}: mmdebstrap {debianBase.Packages}…",
            () => Shell.RunAsync("mmdebstrap", arguments, Layout.RepositoryRoot, cancellationToken: cancellationToken));
        if (!built.Succeeded)
        {
            return Failed(debianBase.Tag, built);
        }

        var imported = await engine.DockerAsync(["import", "--change", $"USER {debianBase.User}", tarball, debianBase.Tag], cancellationToken: cancellationToken);
        File.Delete(tarball);
        if (!imported.Succeeded)
        {
            return Failed(debianBase.Tag, imported);
        }

        Step(debianBase.Tag, $"built from Debian packages in {clock.Elapsed.TotalSeconds:0} s");
        return true;
    }

    /// <summary>The server image: its base plus PATH, the non-root user and the OCI labels (a metadata-only layer).</summary>
    private async Task<bool> FinishServerAsync(DebianBase server, string revision, string version, CancellationToken cancellationToken)
    {
        var dockerfile = string.Join('\n',
            $"FROM {server.Tag}",
            $"ENV PATH={server.Path}",
            $"USER {server.User}",
            $"LABEL org.opencontainers.image.source=\"{SourceUrl()}\" org.opencontainers.image.revision=\"{revision}\" " +
            $"org.opencontainers.image.version=\"{version}\" org.opencontainers.image.title=\"vitrine/{server.Name}\" " +
            $"org.opencontainers.image.base.name=\"debian:{Suite} ({server.Packages})\"",
            "");
        var file = Path.Combine(Layout.StateDirectory, "images", server.Name + ".Dockerfile");
        await File.WriteAllTextAsync(file, dockerfile, cancellationToken);
        var built = await engine.DockerAsync(["build", "-q", "-t", $"vitrine/{server.Name}:latest", "-f", file, Path.GetDirectoryName(file)!], cancellationToken: cancellationToken);
        if (!built.Succeeded)
        {
            return Failed($"vitrine/{server.Name}", built);
        }

        Step($"vitrine/{server.Name}", "ready");
        return true;
    }

    /// <summary>
    /// The apps through the SDK's container build, one after the other, on the Debian base served by a local registry
    /// for the duration (the SDK reads a base image from a registry only). The registry is stopped again at the end.
    /// </summary>
    private async Task<bool> PublishAppsAsync(IReadOnlyList<(string Image, string Project)> apps, string revision, string version, string sources, CancellationToken cancellationToken)
    {
        var registry = $"127.0.0.1:{Registry.Resolve()}";
        using var server = await StartRegistryAsync(registry, cancellationToken);
        if (server is null)
        {
            return false;
        }

        try
        {
            var remoteBase = $"{registry}/{Dotnet.Tag}";
            var tagged = await engine.DockerAsync(["tag", Dotnet.Tag, remoteBase], cancellationToken: cancellationToken);
            var pushed = tagged.Succeeded ? await engine.DockerAsync(["push", "-q", remoteBase], cancellationToken: cancellationToken) : tagged;
            if (!pushed.Succeeded)
            {
                return Failed(remoteBase, pushed);
            }

            var environment = new Dictionary<string, string>(engine.Environment)
            {
                ["DOTNET_CONTAINER_INSECURE_REGISTRIES"] = registry,
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            };
            foreach (var (image, project) in apps)
            {
                var clock = Stopwatch.StartNew();
                // Its own artifacts folder: a container publish never touches the binaries of a build or a running stack.
                string[] arguments =
                [
                    "publish", Path.Combine(Layout.RepositoryRoot, project), "-c", "Release", "-t:PublishContainer",
                    "--artifacts-path", Path.Combine(Layout.RepositoryRoot, "artifacts", "images"), "--nologo", "-v", "q", "-clp:NoSummary",
                    "-p:VitrineContainer=true", $"-p:VitrineContainerBase={remoteBase}", $"-p:SourceRevisionId={revision}",
                    $"-p:VitrineVersion={version}", $"-p:VitrineSourceUrl={SourceUrl()}", $"-p:VitrineSources={sources}",
                ];
                var published = await WithStatusAsync($"vitrine/{image}: dotnet publish -t:PublishContainer…",
                    () => Shell.RunAsync("dotnet", arguments, Layout.RepositoryRoot, environment, cancellationToken: cancellationToken));
                if (!published.Succeeded)
                {
                    return Failed($"vitrine/{image}", published);
                }

                Step($"vitrine/{image}", $"built by the SDK in {clock.Elapsed.TotalSeconds:0} s");
            }

            return true;
        }
        finally
        {
            server.Kill();
            await server.WaitForExitAsync(CancellationToken.None);
        }
    }

    private async Task<Process?> StartRegistryAsync(string address, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Layout.StateDirectory, "registry");
        Directory.CreateDirectory(directory);
        var config = Path.Combine(directory, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: warn
            storage:
              filesystem:
                rootdirectory: {Path.Combine(directory, "data")}
            http:
              addr: {address}

            """, cancellationToken);
        var process = DockerEngine.Detach("docker-registry", ["serve", config], Path.Combine(directory, "registry.log"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 40; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(new Uri($"http://{address}/v2/"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return process;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250, cancellationToken);
        }

        process.Kill();
        AnsiConsole.MarkupLineInterpolated($"[red]The local registry did not answer[/] at {address} (port in use? set {Registry.Variable}); see {Path.Combine(directory, "registry.log")}.");
        process.Dispose();
        return null;
    }

    /// <summary>
    /// The revision (HEAD), a version (git describe), and what the .NET images are built from: the git tree ids of src/
    /// and the build props at HEAD, or null when the working tree differs there (then nothing is taken from the cache).
    /// A commit that touches neither (docs, deploy/) keeps the images.
    /// </summary>
    private async Task<(string Revision, string Version, string? Sources)> SourceAsync(CancellationToken cancellationToken)
    {
        string[] inputs = ["src", "Containers.props", "Directory.Build.props", "Directory.Packages.props"];
        var head = await Shell.RunAsync("git", ["rev-parse", "HEAD"], Layout.RepositoryRoot, cancellationToken: cancellationToken);
        var describe = await Shell.RunAsync("git", ["describe", "--tags", "--always", "--dirty"], Layout.RepositoryRoot, cancellationToken: cancellationToken);
        var trees = await Shell.RunAsync("git", ["rev-parse", .. inputs.Select(input => "HEAD:" + input)], Layout.RepositoryRoot, cancellationToken: cancellationToken);
        var status = await Shell.RunAsync("git", ["status", "--porcelain", "--", .. inputs], Layout.RepositoryRoot, cancellationToken: cancellationToken);
        var clean = trees.Succeeded && status.Succeeded && status.Output.Trim().Length == 0;
        var sources = clean ? Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(trees.Output))).ToLowerInvariant()[..16] : null;
        return (head.Succeeded ? head.Output.Trim() : "unknown", describe.Succeeded ? describe.Output.Trim() : "unknown", sources);
    }

    private string SourceUrl()
    {
        var url = System.Environment.GetEnvironmentVariable("VITRINE_SOURCE_URL");
        return string.IsNullOrEmpty(url) ? "file://" + Layout.RepositoryRoot : url;
    }

    /// <summary>This machine's Debian sources (a snapshot mirror here), as mmdebstrap takes them.</summary>
    private static string[] MirrorArguments() =>
        File.Exists("/etc/apt/sources.list.d/debian.sources") ? ["/etc/apt/sources.list.d/debian.sources"]
        : File.Exists("/etc/apt/sources.list") ? ["/etc/apt/sources.list"]
        : [];

    private static async Task<Shell.Result> WithStatusAsync(string message, Func<Task<Shell.Result>> work)
    {
        Shell.Result? result = null;
        await AnsiConsole.Status().StartAsync(message, async _ => result = await work());
        return result!;
    }

    private static void Step(string image, string what) => AnsiConsole.MarkupLineInterpolated($"  [green]✓[/] {image}: {what}");

    private static bool Failed(string image, Shell.Result result)
    {
        AnsiConsole.WriteLine(result.Output);
        AnsiConsole.MarkupLineInterpolated($"[red]✗ {image} failed[/] (exit {result.ExitCode}).");
        return false;
    }
}
