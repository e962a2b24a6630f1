using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Vitrine.Tests.Stack;

/// <summary>
/// Runs `./vitrine` from the checkout exactly as a user would, against a stack with its own state directory and
/// free ports, so a test never touches a developer's running stack.
/// </summary>
public sealed class VitrineCli
{
    /// <summary>Every port setting, with how many consecutive ports it starts (replicas and exporters take a range).</summary>
    private static readonly (string Variable, int Count)[] PortVariables =
    [
        ("VITRINE_POSTGRES_PORT", 1), ("VITRINE_POSTGRES_REPLICA_PORT", 1), ("VITRINE_PGBOUNCER_PORT", 1),
        ("VITRINE_REDIS_CACHE_PORT", 1), ("VITRINE_REDIS_DURABLE_PORT", 1), ("VITRINE_DASHBOARD_PORT", 1), ("VITRINE_OTLP_PORT", 1),
        ("VITRINE_HTTPS_PORT", 1), ("VITRINE_HTTP_PORT", 1), ("VITRINE_NGINX_STATUS_PORT", 1), ("VITRINE_INTERNAL_API_PORT", 1),
        ("VITRINE_PROMETHEUS_PORT", 1), ("VITRINE_EXPORTER_PORT", 4), ("VITRINE_API_PORT", 4), ("VITRINE_WEB_PORT", 4),
    ];

    private static int nextPort = 20000 + (System.Environment.ProcessId % 200 * 100);

    /// <param name="lockedParent">Put the state directory inside a directory only root may enter (like a checkout under /root).</param>
    public VitrineCli(bool lockedParent = false)
    {
        RepositoryRoot = FindRepositoryRoot();
        var parent = Path.Combine(Path.GetTempPath(), "vitrine-stack-tests");
        if (lockedParent && !OperatingSystem.IsWindows())
        {
            parent = Path.Combine(parent, "locked-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(parent);
            File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        StateDirectory = Path.Combine(parent, Guid.NewGuid().ToString("N")[..12]);
        foreach (var (variable, count) in PortVariables)
        {
            Environment[variable] = FreePorts(count).ToString(CultureInfo.InvariantCulture);
        }

        Environment["VITRINE_STATE_DIR"] = StateDirectory;

        // Recorded for `vitrine test`, which stops (by `down --purge`) any stack a crashed test host left running.
        if (System.Environment.GetEnvironmentVariable("VITRINE_TEST_RUN_DIR") is { Length: > 0 } run)
        {
            var stacks = Directory.CreateDirectory(Path.Combine(run, "stacks")).FullName;
            File.WriteAllText(Path.Combine(stacks, Path.GetFileName(StateDirectory)), StateDirectory);
        }
    }

    public string RepositoryRoot { get; }

    public string StateDirectory { get; }

    public Dictionary<string, string> Environment { get; } = [];

    public int Port(string variable) => int.Parse(Environment[variable], CultureInfo.InvariantCulture);

    public Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) =>
        RunProgramAsync(Path.Combine(RepositoryRoot, "vitrine"), arguments, Environment, RepositoryRoot);

    /// <summary>Runs a program to its end (at most 8 minutes) and returns its exit code with stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Output)> RunProgramAsync(
        string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? System.Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>`status --json`, parsed.</summary>
    public async Task<List<StackComponent>> StatusAsync()
    {
        var (exit, output) = await RunAsync("status", "--json");
        exit.ShouldBe(0, output);
        var json = output[output.IndexOf('{', StringComparison.Ordinal)..];
        return JsonDocument.Parse(json).RootElement.GetProperty("components").EnumerateArray()
            .Select(c => new StackComponent(
                c.GetProperty("name").GetString()!,
                c.GetProperty("kind").GetString()!,
                c.GetProperty("pid").ValueKind == JsonValueKind.Number ? c.GetProperty("pid").GetInt32() : 0,
                c.GetProperty("url").GetString()!,
                c.GetProperty("healthy").GetBoolean()))
            .ToList();
    }

    /// <summary>A psql URI from `status --json` as an Npgsql connection string.</summary>
    public static string ToNpgsql(string url)
    {
        var uri = new Uri(url);
        var credentials = uri.UserInfo.Split(':');
        return $"Host={uri.Host};Port={uri.Port};Username={credentials[0]};Password={credentials[1]};Database={uri.AbsolutePath.TrimStart('/')};Pooling=false";
    }

    /// <summary>Processes tagged with this stack's state directory (inherited from the AppHost) or naming it.</summary>
    public IReadOnlyList<string> LiveProcesses()
    {
        var tag = $"VITRINE_STACK={StateDirectory}";
        var found = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out _))
            {
                continue;
            }

            try
            {
                var environ = File.ReadAllText(Path.Combine(directory, "environ"));
                var cmdline = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var zombie = stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
                if (!zombie && (environ.Split('\0').Contains(tag) || cmdline.Contains(StateDirectory + "/", StringComparison.Ordinal)))
                {
                    found.Add($"{Path.GetFileName(directory)}: {cmdline}");
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>The first of <paramref name="count"/> consecutive free ports, from a range no other test run uses.</summary>
    private static int FreePorts(int count)
    {
        while (true)
        {
            var first = Interlocked.Add(ref nextPort, count) - count;
            if (Enumerable.Range(first, count).All(IsFree))
            {
                return first;
            }
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Vitrine.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Vitrine.slnx not found above the test binaries.");
    }
}

public sealed record StackComponent(string Name, string Kind, int Pid, string Url, bool Healthy);
