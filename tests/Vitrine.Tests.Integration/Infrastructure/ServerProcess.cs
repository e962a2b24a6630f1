using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>Small helpers to run the real servers the tests need (no mocks of our infrastructure).</summary>
public static class ServerProcess
{
    public static bool IsRoot => Environment.UserName == "root";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a program to completion (as the postgres user when we are root), failing loudly with its output.</summary>
    public static async Task RunAsync(string program, IEnumerable<string> arguments, bool asPostgresUser = false)
    {
        using var process = Process.Start(StartInfo(program, arguments, asPostgresUser))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited {process.ExitCode}: {await stdout}{await stderr}");
        }
    }

    public static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments, bool asPostgresUser)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgresUser && IsRoot)
        {
            // PostgreSQL refuses to run as root; CI runs as root.
            info.FileName = "setpriv";
            foreach (var flag in new[] { "--reuid=postgres", "--regid=postgres", "--init-groups", "--" })
            {
                info.ArgumentList.Add(flag);
            }

            info.ArgumentList.Add(program);
        }
        else
        {
            info.FileName = program;
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    public static string PostgresBinary(string name)
    {
        foreach (var directory in new[] { "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin", "/usr/local/bin", "/usr/bin" })
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new InvalidOperationException($"{name} not found: install PostgreSQL (./vitrine test installs it).");
    }

    /// <summary>
    /// Starts a server and records it by pid (<see cref="RunProcesses"/>), so it is stopped when the test process ends
    /// even if its fixture never is. Output is drained (to <paramref name="onOutput"/> when given).
    /// </summary>
    public static Process Start(ProcessStartInfo info, string name, string stop = "KILL", Action<string>? onOutput = null)
    {
        var process = new Process { StartInfo = info };
        if (onOutput is not null)
        {
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    onOutput(e.Data);
                }
            };
        }

        if (!process.Start())
        {
            throw new InvalidOperationException($"{name} did not start");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        RunProcesses.Track(process.Id, name, stop);
        return process;
    }

    /// <summary>Stops a server started by <see cref="Start"/> (its clean signal, KILL after a timeout) and waits until it is gone.</summary>
    public static async Task StopAsync(Process process)
    {
        await RunProcesses.StopAsync(process.Id);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        process.Dispose();
    }

    /// <summary>
    /// Records the postmaster by the pid in its data directory's postmaster.pid too, should it differ from the pid we
    /// started (a wrapper that forks, such as runuser, rather than setpriv, which executes postgres in its place).
    /// </summary>
    public static void TrackPostmaster(string dataDirectory, Process started, string name)
    {
        var first = File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First();
        var postmaster = int.Parse(first.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        if (postmaster != started.Id)
        {
            RunProcesses.Track(postmaster, name + " postmaster", stop: "INT");
        }
    }

    /// <summary>The checkout the tests run from (the deploy/ files the fixtures run, tests/tools).</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Waits until the port accepts connections; fails at once when the server has exited instead.</summary>
    public static async Task WaitForPortAsync(int port, TimeSpan timeout, Process? server = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && server is not { HasExited: true })
            {
                await Task.Delay(50);
            }
        }
    }

    private static string FindRepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Vitrine.slnx")))
        {
            root = root.Parent;
        }

        return root?.FullName ?? throw new InvalidOperationException("The repository root (Vitrine.slnx) was not found above the test binaries.");
    }
}
