using System.Diagnostics;
using System.Globalization;

namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>A real redis-server on a free port, with no persistence; it can be stopped and started again on its port.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string root;
    private readonly string maxMemoryPolicy;
    private Process? process;

    private RedisServer(string root, string maxMemoryPolicy, int port)
    {
        this.root = root;
        this.maxMemoryPolicy = maxMemoryPolicy;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static async Task<RedisServer> StartAsync(string root, string maxMemoryPolicy)
    {
        var server = new RedisServer(root, maxMemoryPolicy, ServerProcess.FreePort());
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        var start = ServerProcess.StartInfo("redis-server",
        [
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
            "--dir", root, "--save", "", "--appendonly", "no", "--maxmemory-policy", maxMemoryPolicy, "--databases", "256",
        ], asPostgresUser: false);
        process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ServerProcess.WaitForPortAsync(Port, TimeSpan.FromSeconds(20));
    }

    public async Task StopAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        process?.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
