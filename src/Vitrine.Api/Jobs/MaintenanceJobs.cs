using Microsoft.EntityFrameworkCore;
using Npgsql;
using Vitrine.Data;

namespace Vitrine.Api.Jobs;

/// <summary>Recurring upkeep: order partitions ahead of time, and expired idempotency keys and refresh tokens removed.</summary>
public sealed class MaintenanceJobs(VitrineDbContext db, NpgsqlDataSource dataSource, TimeProvider clock, ILogger<MaintenanceJobs> logger)
{
    public async Task MaintainOrderPartitionsAsync(CancellationToken cancellationToken)
    {
        var created = await OrderPartitions.MaintainAsync(dataSource, clock, cancellationToken);
        logger.LogInformation("Order partitions maintained: {Created} created", created);
    }

    public async Task RemoveExpiredAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var keys = await db.IdempotencyKeys.Where(k => k.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        // Spent and revoked tokens are kept a day past expiry, for the audit trail of a reuse.
        var tokens = await db.RefreshTokens.Where(t => t.ExpiresAt < now.AddDays(-1)).ExecuteDeleteAsync(cancellationToken);
        logger.LogInformation("Removed {Keys} expired idempotency keys and {Tokens} expired refresh tokens", keys, tokens);
    }
}
