using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Security.Claims;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vitrine.Api.Caching;
using Vitrine.Data;

namespace Vitrine.Api.Accounts;

/// <summary>
/// vitrine_active_users{window="5m"|"24h"}: distinct users signed in (a login, a refresh or an authenticated request)
/// within the window, across every replica. Each replica puts the users it sees into Redis HyperLogLogs, one per minute
/// and one per hour, and counts a window by PFCOUNT over its keys. The request path only touches memory: a user is sent
/// at most once a minute per replica, in batches, by a background loop. Every replica reports the cluster's figure, so
/// aggregate it with max, never sum. The windows are whole buckets: the current minute and the 5 before it (5–6 min),
/// the current hour and the 24 before it (24–25 h).
/// </summary>
public sealed class ActiveUsers : BackgroundService
{
    public const string MeterName = "Vitrine.Accounts";

    /// <summary>How often a replica recounts when it sent nothing itself (it recounts at once after sending).</summary>
    private static readonly TimeSpan RecountInterval = TimeSpan.FromSeconds(15);

    private static readonly KeyValuePair<string, object?> FiveMinutes = new("window", "5m");
    private static readonly KeyValuePair<string, object?> OneDay = new("window", "24h");

    private readonly IConnectionMultiplexer redis;
    private readonly TimeProvider clock;
    private readonly ILogger<ActiveUsers> logger;
    private readonly string prefix;

    // Under overload sightings are dropped, not requests slowed: the gauge is a count of people, not an audit trail.
    private readonly Channel<Sighting> sightings = Channel.CreateBounded<Sighting>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<bool> recount = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private MinuteOfSightings current = new(long.MinValue);
    private Counts? counts;

    public ActiveUsers(
        IMeterFactory meters,
        [FromKeyedServices(RedisConnections.Cache)] IConnectionMultiplexer redis,
        IOptions<CachingOptions> caching,
        TimeProvider clock,
        ILogger<ActiveUsers> logger)
    {
        this.redis = redis;
        this.clock = clock;
        this.logger = logger;
        prefix = caching.Value.Name + ":active-users:";
        meters.Create(MeterName).CreateObservableGauge("vitrine.active_users", Observe, unit: "{user}",
            description: "Distinct users signed in within the window (5m, 24h), across all replicas");
    }

    /// <summary>A signed-in user did something: memory only, one sighting a minute per user reaches Redis.</summary>
    public void Saw(long userId)
    {
        var minute = clock.GetUtcNow().ToUnixTimeSeconds() / 60;
        var seen = Volatile.Read(ref current);
        if (seen.Minute != minute)
        {
            var next = new MinuteOfSightings(minute);
            seen = Interlocked.CompareExchange(ref current, next, seen) == seen ? next : Volatile.Read(ref current);
        }

        if (seen.Users.TryAdd(userId, 0))
        {
            sightings.Writer.TryWrite(new Sighting(seen.Minute, userId));
        }
    }

    /// <summary>The user of a validated access token (a token without a numeric subject is simply not counted).</summary>
    public void Saw(ClaimsPrincipal? principal)
    {
        if (long.TryParse(principal?.FindFirst(AccountClaims.Subject)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var userId))
        {
            Saw(userId);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(SendAsync(stoppingToken), CountAsync(stoppingToken));

    private async Task SendAsync(CancellationToken cancellationToken)
    {
        var batch = new List<Sighting>();
        while (await sightings.Reader.WaitToReadAsync(cancellationToken))
        {
            while (batch.Count < 1_000 && sightings.Reader.TryRead(out var sighting))
            {
                batch.Add(sighting);
            }

            try
            {
                await AddAsync(batch);
                recount.Writer.TryWrite(true);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                logger.LogWarning(exception, "Could not record {Count} active users in Redis", batch.Count);
            }

            batch.Clear();
        }
    }

    /// <summary>PFADD to the minute's and the hour's key, each kept a little longer than the window that reads it.</summary>
    private async Task AddAsync(List<Sighting> batch)
    {
        var database = redis.GetDatabase();
        var writes = new List<Task>();
        foreach (var minute in batch.GroupBy(s => s.Minute))
        {
            RedisValue[] users = [.. minute.Select(s => (RedisValue)s.UserId)];
            var minuteKey = MinuteKey(minute.Key);
            var hourKey = HourKey(minute.Key / 60);
            writes.Add(database.HyperLogLogAddAsync(minuteKey, users));
            writes.Add(database.KeyExpireAsync(minuteKey, TimeSpan.FromMinutes(8)));
            writes.Add(database.HyperLogLogAddAsync(hourKey, users));
            writes.Add(database.KeyExpireAsync(hourKey, TimeSpan.FromHours(26)));
        }

        await Task.WhenAll(writes);
    }

    private async Task CountAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await RecountAsync();
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                logger.LogWarning(exception, "Could not count active users in Redis");
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(RecountInterval);
            try
            {
                await recount.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The interval passed without a sighting of ours: recount for the other replicas' ones.
            }
        }
    }

    private async Task RecountAsync()
    {
        var minute = clock.GetUtcNow().ToUnixTimeSeconds() / 60;
        RedisKey[] minutes = [.. Enumerable.Range(0, 6).Select(i => MinuteKey(minute - i))];
        RedisKey[] hours = [.. Enumerable.Range(0, 25).Select(i => HourKey((minute / 60) - i))];
        var database = redis.GetDatabase();
        var lastFiveMinutes = database.HyperLogLogLengthAsync(minutes);
        var lastDay = database.HyperLogLogLengthAsync(hours);
        Volatile.Write(ref counts, new Counts(await lastFiveMinutes, await lastDay));
    }

    /// <summary>The last counts, for the scrape; nothing before the first count succeeded.</summary>
    private IEnumerable<Measurement<long>> Observe() => Volatile.Read(ref counts) is { } last
        ? [new(last.LastFiveMinutes, FiveMinutes), new(last.LastDay, OneDay)]
        : [];

    private RedisKey MinuteKey(long minute) => string.Create(CultureInfo.InvariantCulture, $"{prefix}m:{minute}");

    private RedisKey HourKey(long hour) => string.Create(CultureInfo.InvariantCulture, $"{prefix}h:{hour}");

    private readonly record struct Sighting(long Minute, long UserId);

    private sealed record Counts(long LastFiveMinutes, long LastDay);

    /// <summary>The users this replica has already sent for one minute.</summary>
    private sealed class MinuteOfSightings(long minute)
    {
        public long Minute { get; } = minute;

        public ConcurrentDictionary<long, byte> Users { get; } = new();
    }
}
