using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vitrine.Tests.Stack;

/// <summary>
/// Runs `./vitrine` from the checkout exactly as a user would, against a stack with its own state directory and
/// free ports, so a test never touches a developer's running stack.
/// </summary>
public sealed class VitrineCli
{
    private static readonly string[] PortVariables =
    [
        "VITRINE_POSTGRES_PORT", "VITRINE_REDIS_CACHE_PORT", "VITRINE_REDIS_DURABLE_PORT",
        "VITRINE_DASHBOARD_PORT", "VITRINE_OTLP_PORT", "VITRINE_API_PORT", "VITRINE_WEB_PORT",
    ];

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
        foreach (var variable in PortVariables)
        {
            Environment[variable] = FreePort().ToString(CultureInfo.InvariantCulture);
        }

        Environment["VITRINE_STATE_DIR"] = StateDirectory;
    }

    public string RepositoryRoot { get; }

    public string StateDirectory { get; }

    public Dictionary<string, string> Environment { get; } = [];

    public int Port(string variable) => int.Parse(Environment[variable], CultureInfo.InvariantCulture);

    public async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo(Path.Combine(RepositoryRoot, "vitrine"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in Environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await process.WaitForExitAsync(timeout.Token);
        output.Append(await stdout).Append(await stderr);
        return (process.ExitCode, output.ToString());
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
