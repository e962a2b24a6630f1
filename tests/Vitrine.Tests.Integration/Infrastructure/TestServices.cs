namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>
/// The real servers of one test run, started once and shared: one PostgreSQL cluster with a streaming read replica
/// and PgBouncer in front of it, and two Redis servers (cache: allkeys-lru, durable: noeviction), torn down when the
/// test process exits.
/// </summary>
public static class TestServices
{
    private static readonly Lazy<Task<Servers>> Started = new(StartAsync);

    public static Task<Servers> GetAsync() => Started.Value;

    private static async Task<Servers> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "vitrine-tests", $"{Environment.ProcessId}-{Guid.NewGuid():N}"[..20]);
        Directory.CreateDirectory(root);
        var postgres = PostgresServer.StartAsync(root);
        var cache = RedisServer.StartAsync(root, "allkeys-lru");
        var durable = RedisServer.StartAsync(root, "noeviction");
        var primary = await postgres;
        var replica = PostgresReplica.StartAsync(root, primary);
        var pgBouncer = PgBouncerServer.StartAsync(root, primary);
        var servers = new Servers(primary, await replica, await pgBouncer, await cache, await durable, root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => servers.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return servers;
    }

    public sealed record Servers(PostgresServer Postgres, PostgresReplica Replica, PgBouncerServer PgBouncer, RedisServer Cache, RedisServer Durable, string Root) : IAsyncDisposable
    {
        private int disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 1)
            {
                return;
            }

            await Cache.DisposeAsync();
            await Durable.DisposeAsync();
            await PgBouncer.DisposeAsync();
            await Replica.DisposeAsync();
            await Postgres.DisposeAsync();
            Directory.Delete(Root, recursive: true);
        }
    }
}
