using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vitrine.Data;
using ZiggyCreatures.Caching.Fusion;
using ZiggyCreatures.Caching.Fusion.Backplane.StackExchangeRedis;
using ZiggyCreatures.Caching.Fusion.Serialization.SystemTextJson;

namespace Vitrine.Api.Caching;

/// <summary>
/// The seed's cache layers in one FusionCache: memory (L1, no network hop) over Redis (L2, shared by replicas), with a
/// Redis backplane so a change evicts L1 on every replica; fail-safe (a stale value beats an error while the database or
/// Redis struggles) and stampede protection (one factory call per key at a time). Hits and misses are counted for
/// Prometheus as vitrine_cache_hits_total and vitrine_cache_misses_total.
/// </summary>
public static class CatalogCache
{
    public const string MeterName = "Vitrine.Caching";
    public const string ProductListsTag = "product-lists";

    public static readonly string[] ProductListsTags = [ProductListsTag];

    /// <summary>A product's entry: its response as JSON bytes and its version (<c>CachedProduct</c>).</summary>
    public static string ProductKey(long id) => string.Create(CultureInfo.InvariantCulture, $"product-json:{id}");

    public const string CategoriesKey = "categories";

    /// <summary>
    /// For an entry filled from the database on a miss: no backplane message. FusionCache would otherwise tell every
    /// other replica to evict the key (a Redis PUBLISH per miss, and an L2 read on each of them afterwards) although
    /// the value is what the database holds; a change of the data is announced by the write's own eviction
    /// (<c>ForgetProductAsync</c>), which keeps its message. It also keeps a value read just before a change, and set
    /// just after its eviction, on the one replica that read it instead of sending the others to fetch it from Redis.
    /// </summary>
    public static FusionCacheEntryOptions ReadThrough(this FusionCacheEntryOptions options) => options.SetSkipBackplaneNotifications(true);

    public static WebApplicationBuilder AddCatalogCache(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CachingOptions>().Bind(builder.Configuration.GetSection(CachingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var name = builder.Configuration.GetValue($"{CachingOptions.Section}:{nameof(CachingOptions.Name)}", "vitrine")!;

        builder.Services.AddSingleton<Json.ResponseJson>();
        builder.Services.AddFusionCache()
            .WithOptions(options =>
            {
                options.CacheKeyPrefix = name + ":";
                options.BackplaneChannelPrefix = name + ":backplane";
                // While Redis is down, stop trying it for a moment instead of paying a timeout on every request.
                options.DistributedCacheCircuitBreakerDuration = TimeSpan.FromSeconds(2);
                options.BackplaneCircuitBreakerDuration = TimeSpan.FromSeconds(2);
                options.DistributedCacheErrorsLogLevel = LogLevel.Warning;
                options.BackplaneErrorsLogLevel = LogLevel.Warning;
            })
            .WithDefaultEntryOptions(new FusionCacheEntryOptions
            {
                Duration = TimeSpan.FromMinutes(5),
                IsFailSafeEnabled = true,
                FailSafeMaxDuration = TimeSpan.FromHours(2),
                FailSafeThrottleDuration = TimeSpan.FromSeconds(30),
                FactorySoftTimeout = TimeSpan.FromSeconds(1),
                DistributedCacheSoftTimeout = TimeSpan.FromMilliseconds(100),
                DistributedCacheHardTimeout = TimeSpan.FromSeconds(1),
                AllowBackgroundDistributedCacheOperations = true,
                AllowBackgroundBackplaneOperations = true,
                JitterMaxDuration = TimeSpan.FromSeconds(5),
            })
            // IncludeFields: FusionCache stores value tuples internally (tags), which need fields serialized.
            .WithSerializer(new FusionCacheSystemTextJsonSerializer(new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerOptions.Web) { IncludeFields = true }))
            .WithDistributedCache(sp => new RedisCache(new RedisCacheOptions
            {
                ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredKeyedService<IConnectionMultiplexer>(RedisConnections.Cache)),
            }))
            .WithBackplane(sp => new RedisBackplane(new RedisBackplaneOptions
            {
                ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredKeyedService<IConnectionMultiplexer>(RedisConnections.Cache)),
            }));

        builder.Services.AddHostedService<CacheMetrics>();
        return builder;
    }

    /// <summary>Counts the cache's hits and misses (the seed's 70%+ hit ratio, made visible).</summary>
    private sealed class CacheMetrics(IFusionCache cache, IMeterFactory meters) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var meter = meters.Create(MeterName);
            var hits = meter.CreateCounter<long>("vitrine.cache.hits", unit: "{lookup}", description: "Cache lookups answered from memory or Redis, by cache and staleness");
            var misses = meter.CreateCounter<long>("vitrine.cache.misses", unit: "{lookup}", description: "Cache lookups that went to the database, by cache");
            var tag = new KeyValuePair<string, object?>("cache", "catalog");
            cache.Events.Hit += (_, e) => hits.Add(1, tag, new KeyValuePair<string, object?>("stale", e.IsStale));
            cache.Events.Miss += (_, _) => misses.Add(1, tag);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
