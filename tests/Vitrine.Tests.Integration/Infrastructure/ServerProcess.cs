using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>Small helpers to run the real servers the tests need (no mocks of our infrastructure).</summary>
internal static class ServerProcess
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

    public static async Task WaitForPortAsync(int port, TimeSpan timeout)
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
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
