using System.Text.Json;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vitrine.Api.Caching;
using Vitrine.Api.Jobs;
using Vitrine.Data;
using ZiggyCreatures.Caching.Fusion;

namespace Vitrine.Api.Events;

/// <summary>
/// Relays outbox events, at least once, in id order: claims a batch (FOR UPDATE SKIP LOCKED, so replicas share the
/// work without taking the same rows), hands order.placed to the confirmation-mail job, evicts the cached products whose
/// stock an order changed (the cache-invalidation consumer), publishes every event on the
/// Redis channel, then marks the batch processed — all or nothing. While Redis is unreachable the batch is not marked,
/// stays in PostgreSQL, and goes out when Redis returns. Consumers must therefore tolerate a repeat.
/// </summary>
public sealed class OutboxRelay(
    IServiceScopeFactory scopes, [FromKeyedServices(RedisConnections.Cache)] IConnectionMultiplexer redis, IOptions<CachingOptions> caching, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    /// <summary>The Redis channel, named after the stack (Caching:Name), so stacks sharing a Redis never mix events.</summary>
    public static RedisChannel Channel(CachingOptions caching) => RedisChannel.Literal(caching.Name + ":events");
    private const int BatchSize = 200;
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private sealed record Pending(long Id, string Type, string Payload);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = Idle;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var relayed = await RelayBatchAsync(stoppingToken);
                backoff = Idle;
                if (relayed == BatchSize)
                {
                    continue; // more waiting: no pause
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // Redis or PostgreSQL unreachable, a job store refusing: the events stay in the outbox for the next try.
                logger.LogWarning(exception, "Outbox relay paused {Backoff}: {Reason}; events stay in the outbox", backoff, exception.Message);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }

            try
            {
                await Task.Delay(backoff, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task<int> RelayBatchAsync(CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<VitrineDbContext>();
        var jobs = scope.ServiceProvider.GetRequiredService<IBackgroundJobClient>();
        var cache = scope.ServiceProvider.GetRequiredService<IFusionCache>();
        return await db.Database.CreateExecutionStrategy().ExecuteAsync(ct => RelayBatchAsync(db, jobs, cache, ct), cancellationToken);
    }

    private async Task<int> RelayBatchAsync(VitrineDbContext db, IBackgroundJobClient jobs, IFusionCache cache, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var batch = await db.Database.SqlQuery<Pending>($"""
            SELECT id, type, payload FROM outbox WHERE processed_at IS NULL ORDER BY id LIMIT {BatchSize} FOR UPDATE SKIP LOCKED
            """).ToListAsync(cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        var subscriber = redis.GetSubscriber();
        foreach (var message in batch)
        {
            if (message.Type is EventTypes.OrderPlaced or EventTypes.OrderStatusChanged)
            {
                var order = JsonSerializer.Deserialize<OrderEvent>(message.Payload, JsonSerializerOptions.Web)!;
                if (message.Type == EventTypes.OrderPlaced)
                {
                    // The placed event's time is the order's created_at: the job finds the order in its partition.
                    jobs.Enqueue<OrderConfirmationJob>(job => job.SendAsync(order.OrderId, order.At, CancellationToken.None));
                }

                // Stock changed (placed, or restocked by a cancel): the products' cached entries go, on every replica.
                foreach (var productId in order.ProductIds ?? [])
                {
                    await cache.ForgetAsync(CatalogCache.ProductKey(productId), cancellationToken);
                }
            }

            await subscriber.PublishAsync(Channel(caching.Value), JsonSerializer.Serialize(new RelayedEvent(message.Id, message.Type, message.Payload), JsonSerializerOptions.Web));
        }

        var ids = batch.Select(m => m.Id).ToList();
        var now = DateTimeOffset.UtcNow;
        await db.OutboxMessages.Where(m => ids.Contains(m.Id))
            .ExecuteUpdateAsync(set => set.SetProperty(m => m.ProcessedAt, now).SetProperty(m => m.Attempts, m => m.Attempts + 1), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return batch.Count;
    }
}

/// <summary>What travels on the Redis channel: the outbox id (for idempotent consumers), the type and the payload.</summary>
public sealed record RelayedEvent(long Id, string Type, string Payload);
