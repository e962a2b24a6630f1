using System.Diagnostics;
using System.Globalization;

namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>A real redis-server on a free port, with no persistence, for one test run.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly Process process;

    private RedisServer(Process process, int port)
    {
        this.process = process;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static async Task<RedisServer> StartAsync(string root, string maxMemoryPolicy)
    {
        var port = ServerProcess.FreePort();
        var start = ServerProcess.StartInfo("redis-server",
        [
            "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--dir", root, "--save", "", "--appendonly", "no", "--maxmemory-policy", maxMemoryPolicy, "--databases", "256",
        ], asPostgresUser: false);
        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ServerProcess.WaitForPortAsync(port, TimeSpan.FromSeconds(20));
        return new RedisServer(process, port);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}
