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
    // Below Linux's ephemeral range (32768 on): a port there can be taken by any outgoing connection between the check
    // and the server's bind (seen: a node exporter's port taken while another stack ran on the machine).
    private static int nextPort = 20000 + (System.Environment.ProcessId % 100 * 100);

    /// <param name="lockedParent">Put the state directory inside a directory only root may enter (like a checkout under /root).</param>
    /// <param name="checkout">Run this checkout's ./vitrine with its own .vitrine/ instead of this repository's with a temporary state directory.</param>
    public VitrineCli(bool lockedParent = false, string? checkout = null)
    {
        RepositoryRoot = checkout ?? FindRepositoryRoot();
        if (checkout is not null)
        {
            StateDirectory = Path.Combine(checkout, ".vitrine");
        }
        else
        {
            var parent = Path.Combine(Path.GetTempPath(), "vitrine-stack-tests");
            if (lockedParent)
            {
                parent = Path.Combine(parent, "locked-" + Guid.NewGuid().ToString("N")[..8]);
                Directory.CreateDirectory(parent);
                File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            StateDirectory = Path.Combine(parent, Guid.NewGuid().ToString("N")[..12]);
            Environment[StackLayout.StateDirectoryVariable] = StateDirectory;
        }

        // Every port setting of the stack, each starting a range of free ports as long as the setting needs.
        foreach (var port in StackPorts.All)
        {
            Environment[port.Variable] = FreePorts(port.Count).ToString(CultureInfo.InvariantCulture);
        }

        // Recorded for `vitrine test`, which stops (by `down --purge`) any stack a crashed test host left running.
        if (System.Environment.GetEnvironmentVariable("VITRINE_TEST_RUN_DIR") is { Length: > 0 } run)
        {
            var stacks = Directory.CreateDirectory(Path.Combine(run, "stacks")).FullName;
            File.WriteAllText(Path.Combine(stacks, Guid.NewGuid().ToString("N")), StateDirectory);
        }
    }

    public string RepositoryRoot { get; }

    public string StateDirectory { get; }

    public Dictionary<string, string> Environment { get; } = [];

    public int Port(StackPort port) => int.Parse(Environment[port.Variable], CultureInfo.InvariantCulture);

    public Task<(int ExitCode, string Output)> RunAsync(params string[] arguments) =>
        RunProgramAsync(Path.Combine(RepositoryRoot, "vitrine"), arguments, Environment, RepositoryRoot);

    /// <summary>Runs a program to its end (at most 15 minutes: a first `up` builds everything) and returns its exit code with stdout and stderr.</summary>
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
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
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
    public static string ToNpgsql(string url, bool throughPgBouncer = false)
    {
        var builder = StackModel.FromPostgresUri(url);
        builder.Pooling = false;
        return (throughPgBouncer ? StackModel.PgBouncerSafe(builder) : builder).ConnectionString;
    }

    /// <summary>Processes tagged with this stack's state directory (inherited from the AppHost) or naming it.</summary>
    public IReadOnlyList<string> LiveProcesses()
    {
        var tag = $"{StackModel.StackVariable}={StateDirectory}";
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

    public static string FindRepositoryRoot()
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
