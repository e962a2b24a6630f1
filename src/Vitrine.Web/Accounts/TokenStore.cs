using System.Text.Json;
using StackExchange.Redis;
using Vitrine.Data;
using Vitrine.Web.Api;

namespace Vitrine.Web.Accounts;

/// <summary>The API tokens of one sign-in, as the Web keeps them: never in the browser.</summary>
public sealed record StoredTokens(long UserId, string AccessToken, string RefreshToken, DateTimeOffset AccessTokenExpiresAt);

/// <summary>
/// Keeps each sign-in's API tokens server-side in the durable Redis, under a random id that the (HttpOnly, encrypted)
/// auth cookie carries, so any replica can use them. Refreshes the access token shortly before it expires; a Redis
/// lock makes concurrent requests of one sign-in refresh once (the API revokes a whole family on refresh-token reuse).
/// </summary>
public sealed class TokenStore(
    [FromKeyedServices(RedisConnections.Durable)] IConnectionMultiplexer redis,
    IConfiguration configuration,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<TokenStore> logger)
{
    /// <summary>Refresh this long before expiry, so a token never expires between our check and the API's.</summary>
    private static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(30);

    /// <summary>As long as the API's refresh token lives (30 days, the seed's figure): past that the entry is useless.</summary>
    private static readonly TimeSpan EntryLifetime = TimeSpan.FromDays(30);

    private readonly string prefix = $"{configuration.GetValue("Caching:Name", "vitrine")}:web:tokens:";

    public static string NewSignInId() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));

    public async Task SaveAsync(string signInId, long userId, Tokens tokens)
    {
        var stored = new StoredTokens(userId, tokens.AccessToken, tokens.RefreshToken, clock.GetUtcNow().AddSeconds(tokens.ExpiresIn));
        await redis.GetDatabase().StringSetAsync(prefix + signInId, JsonSerializer.Serialize(stored), EntryLifetime);
    }

    public async Task<StoredTokens?> RemoveAsync(string signInId)
    {
        var value = await redis.GetDatabase().StringGetDeleteAsync(prefix + signInId);
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<StoredTokens>(value.ToString());
    }

    /// <summary>A valid access token for the sign-in, refreshed when needed; null when the sign-in is over (revoked, expired).</summary>
    public async Task<string?> GetAccessTokenAsync(string signInId, long userId, CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var key = prefix + signInId;
        var stored = await ReadAsync(database, key);
        if (stored is null || stored.UserId != userId)
        {
            return null;
        }

        if (stored.AccessTokenExpiresAt - clock.GetUtcNow() > RefreshMargin)
        {
            return stored.AccessToken;
        }

        var lockKey = key + ":refreshing";
        var lockOwner = Guid.NewGuid().ToString("N");
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (await database.LockTakeAsync(lockKey, lockOwner, TimeSpan.FromSeconds(10)))
            {
                try
                {
                    return await RefreshAsync(database, key, userId, cancellationToken);
                }
                finally
                {
                    await database.LockReleaseAsync(lockKey, lockOwner);
                }
            }

            // Another request of this sign-in is refreshing: wait for it, then use what it stored.
            await Task.Delay(TimeSpan.FromMilliseconds(100), clock, cancellationToken);
            stored = await ReadAsync(database, key);
            if (stored is null)
            {
                return null;
            }

            if (stored.AccessTokenExpiresAt - clock.GetUtcNow() > RefreshMargin)
            {
                return stored.AccessToken;
            }
        }

        return null;
    }

    private async Task<string?> RefreshAsync(IDatabase database, string key, long userId, CancellationToken cancellationToken)
    {
        // Read again under the lock: the previous holder may have refreshed already.
        var stored = await ReadAsync(database, key);
        if (stored is null)
        {
            return null;
        }

        if (stored.AccessTokenExpiresAt - clock.GetUtcNow() > RefreshMargin)
        {
            return stored.AccessToken;
        }

        using var scope = scopes.CreateScope();
        var refreshed = await scope.ServiceProvider.GetRequiredService<VitrineApi>().RefreshAsync(stored.RefreshToken, cancellationToken);
        if (refreshed.Succeeded)
        {
            await database.StringSetAsync(key, JsonSerializer.Serialize(
                new StoredTokens(userId, refreshed.Value.AccessToken, refreshed.Value.RefreshToken, clock.GetUtcNow().AddSeconds(refreshed.Value.ExpiresIn))), EntryLifetime);
            return refreshed.Value.AccessToken;
        }

        if (refreshed.Problem.IsUnauthorized)
        {
            logger.LogInformation("The API refused to refresh a sign-in of user {UserId}; it is over", userId);
            await database.KeyDeleteAsync(key);
            return null;
        }

        // The API is unreachable: the old token is as good as anything; the call that needs it will report the outage.
        return stored.AccessToken;
    }

    private static async Task<StoredTokens?> ReadAsync(IDatabase database, string key)
    {
        var value = await database.StringGetAsync(key);
        return value.IsNullOrEmpty ? null : JsonSerializer.Deserialize<StoredTokens>(value.ToString());
    }
}
