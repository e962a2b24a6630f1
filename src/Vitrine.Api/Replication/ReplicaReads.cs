using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Polly;
using Polly.CircuitBreaker;
using StackExchange.Redis;
using Vitrine.Data;

namespace Vitrine.Api.Replication;

/// <summary>
/// Runs a read-only query on the read replica when that is safe, otherwise on the primary. Safe means: a replica is
/// configured, and the reader wrote nothing within the reads-your-writes window or the replica has already replayed
/// that write. Anything uncertain goes to the primary: Redis unreachable (the window cannot be checked), the replica
/// behind, unreachable or failing (after two failures it is skipped for five seconds, Polly's circuit breaker).
/// Only uncached reads come here; the catalog cache refills from the primary (docs/data-model.md says why).
/// </summary>
public sealed class ReplicaReads(
    VitrineDbContext primary,
    NpgsqlDataSource primarySource,
    ReadReplicaDatabase replica,
    ReadYourWrites writes,
    ReplicaCircuit circuit,
    ReplicaReadMetrics metrics,
    ILogger<ReplicaReads> logger)
{
    /// <param name="confirmOnPrimary">
    /// Answers from the replica that the primary must confirm: "not found" by id, which may only mean the replica has not
    /// replayed someone else's write yet (an admin opening the order a customer placed a moment ago).
    /// </param>
    public Task<T> ReadAsync<T>(
        long readerId, Func<VitrineDbContext, CancellationToken, Task<T>> query, CancellationToken cancellationToken, Func<T, bool>? confirmOnPrimary = null) =>
        RouteAsync(readerId, ct => query(primary, ct), (lastWrite, ct) => TryReplicaAsync(lastWrite, query, ct), confirmOnPrimary, cancellationToken);

    /// <summary>
    /// The same routing for a raw statement on a data source: the replica's (multiplexed, prepared) or the primary's,
    /// with no DbContext leased — for the hottest read, a user's own order history.
    /// </summary>
    public Task<T> ReadAsync<T>(
        long readerId, Func<NpgsqlDataSource, CancellationToken, Task<T>> query, CancellationToken cancellationToken) =>
        RouteAsync(readerId, ct => query(primarySource, ct), (lastWrite, ct) => TryReplicaAsync(lastWrite, query, ct), null, cancellationToken);

    private async Task<T> RouteAsync<T>(
        long readerId,
        Func<CancellationToken, Task<T>> onPrimary,
        Func<NpgsqlLogSequenceNumber?, CancellationToken, Task<(bool Served, T? Value)>> onReplica,
        Func<T, bool>? confirmOnPrimary,
        CancellationToken cancellationToken)
    {
        if (!replica.IsConfigured)
        {
            metrics.Primary("no-replica");
            return await onPrimary(cancellationToken);
        }

        NpgsqlLogSequenceNumber? lastWrite;
        try
        {
            lastWrite = await writes.LastWriteAsync(readerId);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            metrics.Primary("redis-unavailable");
            return await onPrimary(cancellationToken);
        }

        try
        {
            var (served, value) = await circuit.Pipeline.ExecuteAsync(
                async ct => await onReplica(lastWrite, ct), cancellationToken);
            if (served && confirmOnPrimary?.Invoke(value!) != true)
            {
                metrics.Replica();
                return value!;
            }

            metrics.Primary(served ? "replica-miss" : "replica-behind");
        }
        catch (BrokenCircuitException)
        {
            metrics.Primary("replica-unavailable");
        }
        catch (Exception exception) when (ReplicaCircuit.IsReplicaFailure(exception) && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Read replica failed, reading from the primary: {Reason}", (exception.InnerException ?? exception).Message);
            metrics.Primary("replica-unavailable");
        }

        return await onPrimary(cancellationToken);
    }

    private async Task<(bool Served, T? Value)> TryReplicaAsync<T>(
        NpgsqlLogSequenceNumber? lastWrite, Func<NpgsqlDataSource, CancellationToken, Task<T>> query, CancellationToken cancellationToken)
    {
        var source = replica.DataSource;
        // The position check and the query may travel on different connections of the multiplexed pool: both reach the
        // same server, whose replay position only moves forward.
        if (lastWrite is { } position)
        {
            await using var check = source.CreateCommand(ReplayedSql);
            check.Parameters.Add(new NpgsqlParameter<NpgsqlLogSequenceNumber> { TypedValue = position, NpgsqlDbType = NpgsqlDbType.PgLsn });
            if (await check.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return (false, default);
            }
        }

        return (true, await query(source, cancellationToken));
    }

    private const string ReplayedSql = "SELECT coalesce(NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= $1, false)";

    private async Task<(bool Served, T? Value)> TryReplicaAsync<T>(
        NpgsqlLogSequenceNumber? lastWrite, Func<VitrineDbContext, CancellationToken, Task<T>> query, CancellationToken cancellationToken)
    {
        await using var db = replica.CreateContext();
        // One connection for the position check and the query.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (lastWrite is { } position && !await HasReplayedAsync(db, position, cancellationToken))
            {
                return (false, default);
            }

            return (true, await query(db, cancellationToken));
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Whether the server has replayed up to the position; a server that is not in recovery (a promoted one) has.</summary>
    private static async Task<bool> HasReplayedAsync(VitrineDbContext db, NpgsqlLogSequenceNumber position, CancellationToken cancellationToken)
    {
        var required = position.ToString();
        return await db.Database.SqlQuery<bool>($"""
            SELECT coalesce(NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= {required}::pg_lsn, false) AS "Value"
            """).SingleAsync(cancellationToken);
    }
}

/// <summary>One per process: the replica's circuit breaker, shared by every request.</summary>
public sealed class ReplicaCircuit
{
    public ResiliencePipeline Pipeline { get; } = new ResiliencePipelineBuilder()
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } exception && IsReplicaFailure(exception)),
            FailureRatio = 0.5,
            MinimumThroughput = 2,
            SamplingDuration = TimeSpan.FromSeconds(10),
            BreakDuration = TimeSpan.FromSeconds(5),
        })
        .Build();

    /// <summary>
    /// A failure of the replica server (unreachable, refusing, a recovery conflict), raw or as EF Core's
    /// "likely due to a transient failure" wrapper.
    /// </summary>
    public static bool IsReplicaFailure(Exception exception) =>
        exception is NpgsqlException || exception is InvalidOperationException { InnerException: NpgsqlException };
}

/// <summary>
/// vitrine_db_reads_total{source="replica"|"primary", reason}: where routed reads were answered, and why not by the
/// replica (no-replica; replica-behind: a recent write the replica has not replayed; replica-miss: "not found" there,
/// confirmed on the primary; redis-unavailable; replica-unavailable).
/// </summary>
public sealed class ReplicaReadMetrics
{
    public const string MeterName = "Vitrine.Data";
    private readonly Counter<long> reads;

    public ReplicaReadMetrics(IMeterFactory meters) =>
        reads = meters.Create(MeterName).CreateCounter<long>("vitrine.db.reads", unit: "{query}", description: "Routed read-only queries, by the server that answered them");

    public void Replica() => reads.Add(1, new KeyValuePair<string, object?>("source", "replica"), new KeyValuePair<string, object?>("reason", "replica"));

    public void Primary(string reason) => reads.Add(1, new KeyValuePair<string, object?>("source", "primary"), new KeyValuePair<string, object?>("reason", reason));
}

public static class ReplicationServiceCollectionExtensions
{
    public static WebApplicationBuilder AddReplicaReads(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ReadYourWrites>();
        builder.Services.AddSingleton<ReplicaCircuit>();
        builder.Services.AddSingleton<ReplicaReadMetrics>();
        builder.Services.AddScoped<ReplicaReads>();
        return builder;
    }
}
