using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Vitrine.Data;

/// <summary>
/// The streaming read replica (<c>ConnectionStrings:PostgresRead</c>), when one is configured: its own data source with
/// the primary's pool settings, multiplexed and prepared, and its own pool of read-only <see cref="VitrineDbContext"/>s
/// (no change tracking, no retries: a failed replica read falls back to the primary). Which reads may use it is the
/// API's decision.
/// </summary>
public sealed class ReadReplicaDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource? dataSource;
    private readonly PooledDbContextFactory<VitrineDbContext>? contexts;

    public ReadReplicaDatabase(IOptions<ConnectionStringOptions> connectionStrings, IOptions<DatabaseOptions> database)
    {
        if (string.IsNullOrWhiteSpace(connectionStrings.Value.PostgresRead))
        {
            return;
        }

        dataSource = VitrineDataSource.Create(connectionStrings.Value.PostgresRead, database.Value, autoPrepare: true, multiplex: true);
        var options = new DbContextOptionsBuilder<VitrineDbContext>();
        VitrineDataSource.Configure(options, dataSource, retryOnFailure: false);
        options.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
        contexts = new PooledDbContextFactory<VitrineDbContext>(options.Options);
    }

    public bool IsConfigured => contexts is not null;

    /// <summary>A context on the replica; dispose it to return it to the pool.</summary>
    public VitrineDbContext CreateContext() =>
        contexts?.CreateDbContext() ?? throw new InvalidOperationException("No read replica is configured (ConnectionStrings:PostgresRead).");

    /// <summary>The replica's data source, for raw statements (no DbContext lease on the hot reads).</summary>
    public NpgsqlDataSource DataSource =>
        dataSource ?? throw new InvalidOperationException("No read replica is configured (ConnectionStrings:PostgresRead).");

    public ValueTask DisposeAsync() => dataSource?.DisposeAsync() ?? ValueTask.CompletedTask;
}
