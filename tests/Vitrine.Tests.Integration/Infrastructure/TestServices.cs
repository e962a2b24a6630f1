namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>
/// The real servers of one test run, started once and shared: one PostgreSQL cluster with a streaming read replica
/// and PgBouncer in front of it, and two Redis servers (cache and durable, from deploy/redis/), torn down when the test
/// assembly finishes (<see cref="RunTestFramework"/>), or at the latest when the test process exits (<see cref="RunProcesses"/>).
/// </summary>
public static class TestServices
{
    private static readonly Lazy<Task<Servers>> Started = new(StartAsync);

    public static Task<Servers> GetAsync() => Started.Value;

    /// <summary>Stops the servers if this run started them.</summary>
    public static async Task StopAsync()
    {
        if (Started.IsValueCreated && Started.Value.IsCompletedSuccessfully)
        {
            await (await Started.Value).DisposeAsync();
        }
    }

    private static async Task<Servers> StartAsync()
    {
        var root = Path.Combine(Path.GetTempPath(), "vitrine-tests", $"{Environment.ProcessId}-{Guid.NewGuid():N}"[..20]);
        Directory.CreateDirectory(root);
        var postgres = PostgresServer.StartAsync(root);
        var cache = RedisServer.StartAsync(root, RedisServer.Kind.Cache);
        var durable = RedisServer.StartAsync(root, RedisServer.Kind.Durable);
        var primary = await postgres;
        var replica = PostgresReplica.StartAsync(root, primary);
        var pgBouncer = PgBouncerServer.StartAsync(root, primary);
        return new Servers(primary, await replica, await pgBouncer, await cache, await durable, root);
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
