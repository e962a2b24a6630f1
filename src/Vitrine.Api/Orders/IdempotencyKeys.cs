using Microsoft.EntityFrameworkCore;
using Npgsql;
using Vitrine.Data;

namespace Vitrine.Api.Orders;

/// <summary>
/// Idempotency-Key as the IETF httpapi draft and Stripe define it, scoped to the user: the first request with a key
/// claims it (committed at once, so concurrent twins see the claim); its response is stored in the same transaction
/// as its effect (<see cref="OrderPlacement"/>); a retry with the same body replays that response, with another body
/// gets 422, and while the first is still in flight gets 409. Keys expire after 24 h. A claim left unfinished by a
/// crashed process is taken over after a minute.
/// </summary>
public sealed class IdempotencyKeys(VitrineDbContext db, NpgsqlDataSource dataSource, TimeProvider clock)
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 255;
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(1);

    public abstract record Outcome;

    public sealed record Claimed : Outcome;

    public sealed record Replay(int Status, string Body) : Outcome;

    public sealed record DifferentRequest : Outcome;

    public sealed record InFlight : Outcome;

    public static bool IsWellFormed(string? key) =>
        !string.IsNullOrEmpty(key) && key.Length <= MaxKeyLength && key.All(c => c is >= '!' and <= '~');

    public async Task<Outcome> ClaimAsync(long userId, string key, byte[] requestHash, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var now = clock.GetUtcNow();
            var expires = now + Lifetime;
            // Raw Npgsql: the claim is on every order's path, and EF Core's raw-SQL pipeline costs more than the insert.
            // Committed without waiting for its WAL flush (one fsync less per order): the claim matters only once the
            // order commits, and that commit's flush covers the claim's earlier WAL record. A crash in between loses a
            // claim whose request never finished; the client's retry claims again and no order exists. Both statements
            // are one batch, so one implicit transaction: set_config(…, true) applies to the claim only.
            await using var claim = dataSource.CreateBatch();
            claim.BatchCommands.Add(new NpgsqlBatchCommand("SELECT set_config('synchronous_commit', 'off', true)"));
            var insert = new NpgsqlBatchCommand("""
                INSERT INTO idempotency_keys (user_id, key, request_hash, created_at, expires_at)
                VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (user_id, key) DO NOTHING
                """);
            insert.Parameters.Add(new NpgsqlParameter<long> { TypedValue = userId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
            insert.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = requestHash });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = expires });
            claim.BatchCommands.Add(insert);
            await claim.ExecuteNonQueryAsync(cancellationToken);
            if (insert.RecordsAffected == 1)
            {
                return new Claimed();
            }

            var existing = await db.IdempotencyKeys.AsNoTracking().SingleOrDefaultAsync(k => k.UserId == userId && k.Key == key, cancellationToken);
            if (existing is null)
            {
                continue; // released or expired between our insert and read: try again
            }

            if (existing.ExpiresAt <= now)
            {
                await db.IdempotencyKeys.Where(k => k.UserId == userId && k.Key == key && k.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);
                continue;
            }

            if (!existing.RequestHash.AsSpan().SequenceEqual(requestHash))
            {
                return new DifferentRequest();
            }

            if (existing.ResponseStatus is { } status)
            {
                return new Replay(status, existing.ResponseBody ?? "null");
            }

            if (existing.CreatedAt < now - AbandonedAfter)
            {
                var taken = await db.IdempotencyKeys
                    .Where(k => k.UserId == userId && k.Key == key && k.ResponseStatus == null && k.CreatedAt == existing.CreatedAt)
                    .ExecuteUpdateAsync(set => set.SetProperty(k => k.CreatedAt, now), cancellationToken);
                if (taken == 1)
                {
                    return new Claimed();
                }
            }

            return new InFlight();
        }

        return new InFlight();
    }

    /// <summary>Gives the key back when the request had no effect (rejected before or during its transaction).</summary>
    public Task ReleaseAsync(long userId, string key, CancellationToken cancellationToken) =>
        db.IdempotencyKeys
            .Where(k => k.UserId == userId && k.Key == key && k.ResponseStatus == null)
            .ExecuteDeleteAsync(cancellationToken);
}
