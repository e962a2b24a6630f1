using System.Globalization;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using StackExchange.Redis;
using Vitrine.Api.Accounts;
using Vitrine.Api.Caching;
using Vitrine.Data;

namespace Vitrine.Api.Replication;

/// <summary>
/// Reads-your-writes across interchangeable API replicas. Before the answer to a user's successful write leaves, the
/// primary's WAL insert position (at or past that write's commit) is kept for the user in the cache Redis for
/// <c>Database:ReadYourWritesSeconds</c>; the user's replica reads then use the replica only once it has replayed that
/// position (see <see cref="ReplicaReads"/>). No process memory is involved, so the next request may land on any replica.
/// </summary>
public sealed class ReadYourWrites(
    NpgsqlDataSource primary,
    [FromKeyedServices(RedisConnections.Cache)] IConnectionMultiplexer redis,
    IOptions<DatabaseOptions> database,
    IOptions<CachingOptions> caching,
    ILogger<ReadYourWrites> logger)
{
    // Keeps the highest position (fixed-width hex compares as text): two concurrent writes may record out of order.
    private const string RaiseScript = """
        local current = redis.call('GET', KEYS[1])
        if (not current) or current < ARGV[1] then
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        else
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
        end
        return 1
        """;

    private RedisKey Key(long userId) => $"{caching.Value.Name}:read-your-writes:{userId.ToString(CultureInfo.InvariantCulture)}";

    private static readonly object PositionItem = new();

    /// <summary>
    /// Hands the middleware the WAL position a handler already read after its commit (in the same round trip), so
    /// recording the write costs no extra query.
    /// </summary>
    public static void Remember(HttpContext http, NpgsqlLogSequenceNumber position) => http.Items[PositionItem] = position;

    private static NpgsqlLogSequenceNumber? Remembered(HttpContext http) =>
        http.Items.TryGetValue(PositionItem, out var position) ? (NpgsqlLogSequenceNumber?)position : null;

    /// <summary>Records that the user just wrote. Failures are logged, never thrown: the write itself succeeded.</summary>
    public async Task RecordWriteAsync(HttpContext http, long userId, CancellationToken cancellationToken)
    {
        try
        {
            // The insert position, not pg_current_wal_lsn(): with synchronous_commit=off the commit record may not be
            // written yet, and the replica must not be trusted before it has it.
            NpgsqlLogSequenceNumber position;
            if (Remembered(http) is { } remembered)
            {
                position = remembered;
            }
            else
            {
                await using var command = primary.CreateCommand("SELECT pg_current_wal_insert_lsn()");
                position = (NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(cancellationToken))!;
            }

            var window = (long)TimeSpan.FromSeconds(database.Value.ReadYourWritesSeconds).TotalMilliseconds;
            await redis.GetDatabase().ScriptEvaluateAsync(
                RaiseScript, [Key(userId)], [((ulong)position).ToString("X16", CultureInfo.InvariantCulture), window]);
        }
        catch (Exception exception) when (exception is NpgsqlException or RedisException or TimeoutException or OperationCanceledException)
        {
            logger.LogWarning("Could not record a write for reads-your-writes (user {UserId}): {Reason}", userId, exception.Message);
        }
    }

    /// <summary>
    /// The WAL position the user's reads must see, or null when they wrote nothing within the window.
    /// Throws <see cref="RedisException"/> or <see cref="TimeoutException"/> when Redis cannot say.
    /// </summary>
    public async Task<NpgsqlLogSequenceNumber?> LastWriteAsync(long userId)
    {
        var value = await redis.GetDatabase().StringGetAsync(Key(userId));
        return value.IsNull
            ? null
            : new NpgsqlLogSequenceNumber(ulong.Parse(value.ToString(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
    }
}

public static class ReadYourWritesMiddleware
{
    /// <summary>
    /// Records every successful authenticated write (any method but GET, HEAD, OPTIONS): placing or cancelling an
    /// order, every admin write. It runs as the response starts, so the client cannot read before the record exists.
    /// Nothing to do without a read replica.
    /// </summary>
    public static IApplicationBuilder UseReadYourWrites(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var method = http.Request.Method;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method)
            && http.RequestServices.GetRequiredService<ReadReplicaDatabase>().IsConfigured)
        {
            http.Response.OnStarting(async () =>
            {
                if (http.Response.StatusCode < StatusCodes.Status400BadRequest
                    && long.TryParse(http.User.FindFirst(AccountClaims.Subject)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var userId))
                {
                    await http.RequestServices.GetRequiredService<ReadYourWrites>().RecordWriteAsync(http, userId, http.RequestAborted);
                }
            });
        }

        await next(http);
    });
}
