using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>
/// A real redis-server on a free port, run from the stack's own configuration (deploy/redis/redis-cache.conf or
/// redis-durable.conf) with only what the stack overrides too (src/Vitrine.AppHost/Program.cs): port, data directory,
/// bind address, and for the durable one a password from an included file. It can be stopped and started again on
/// its port and directory, as a real outage would.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string directory;
    private readonly Kind kind;
    private readonly string? password;
    private Process? process;

    private RedisServer(string root, Kind kind, int port)
    {
        this.kind = kind;
        Port = port;
        directory = Path.Combine(root, $"redis-{Name}-{port.ToString(CultureInfo.InvariantCulture)}");
        password = kind == Kind.Durable ? Convert.ToHexString(RandomNumberGenerator.GetBytes(16)) : null;
    }

    public enum Kind
    {
        /// <summary>allkeys-lru, no password (deploy/redis/redis-cache.conf).</summary>
        Cache,

        /// <summary>noeviction, AOF, a password (deploy/redis/redis-durable.conf).</summary>
        Durable,
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}" + (password is null ? "" : $",password={password}");

    private string Name => kind == Kind.Durable ? "durable" : "cache";

    public static async Task<RedisServer> StartAsync(string root, Kind kind)
    {
        var server = new RedisServer(root, kind, ServerProcess.FreePort());
        Directory.CreateDirectory(server.directory);
        await server.StartAsync();
        return server;
    }

    public async Task StartAsync()
    {
        List<string> arguments =
        [
            Path.Combine(ServerProcess.RepositoryRoot, "deploy", "redis", $"redis-{Name}.conf"),
            "--port", Port.ToString(CultureInfo.InvariantCulture), "--dir", directory, "--bind", "127.0.0.1",
        ];
        if (password is not null)
        {
            var secrets = Path.Combine(directory, "secrets.conf");
            await File.WriteAllTextAsync(secrets, $"requirepass {password}\n");
            await ServerProcess.RunAsync("chmod", ["600", secrets]);
            arguments.AddRange(["--include", secrets]);
        }

        process = ServerProcess.Start(ServerProcess.StartInfo("redis-server", arguments, asPostgresUser: false), $"redis-server ({Name}, port {Port})");
        await ServerProcess.WaitForPortAsync(Port, TimeSpan.FromSeconds(20), process);
    }

    /// <summary>Kills the server (an outage, not a clean shutdown) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (process is not null)
        {
            await ServerProcess.StopAsync(process);
            process = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
