using Microsoft.Extensions.Options;
using Npgsql;

namespace Vitrine.Data;

/// <summary>
/// Where the hottest read-only statements that must see the latest commit go: the primary directly
/// (<c>ConnectionStrings:PostgresDirect</c>: multiplexed, prepared, a small pool) when one is configured, otherwise the
/// process's primary data source (<c>ConnectionStrings:Postgres</c>, through PgBouncer in the stack). Through PgBouncer
/// 1.18's transaction pooling every statement is parsed and planned again and crosses one more process; a product
/// filled into the cache on a miss cost three times as much that way (bench/README.md). Never for writes or
/// transactions: those keep PgBouncer's connection economy.
/// </summary>
public sealed class PrimaryReads : IAsyncDisposable
{
    private readonly NpgsqlDataSource? own;

    public PrimaryReads(IOptions<ConnectionStringOptions> connectionStrings, IOptions<DatabaseOptions> database, NpgsqlDataSource primary)
    {
        if (string.IsNullOrWhiteSpace(connectionStrings.Value.PostgresDirect))
        {
            DataSource = primary;
            return;
        }

        own = VitrineDataSource.Create(connectionStrings.Value.PostgresDirect, database.Value, autoPrepare: true, multiplex: true);
        DataSource = own;
    }

    public NpgsqlDataSource DataSource { get; }

    public ValueTask DisposeAsync() => own?.DisposeAsync() ?? ValueTask.CompletedTask;
}
