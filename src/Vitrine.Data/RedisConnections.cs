using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Vitrine.Data;

/// <summary>
/// The two Redis servers of CONTRACT §2: "cache" (allkeys-lru: cache, rate-limit counters, backplane) and
/// "durable" (noeviction + AOF: sessions, job queue, Data Protection keys). One multiplexer each per process.
/// </summary>
public static class RedisConnections
{
    public const string Cache = "cache";
    public const string Durable = "durable";

    public static IHostApplicationBuilder AddVitrineRedis(this IHostApplicationBuilder builder)
    {
        // The cache Redis fails fast while disconnected: its callers (cache, rate limits) have a local fallback, and
        // queueing their commands until a timeout would only turn an outage into slow requests.
        builder.Services.AddKeyedSingleton<IConnectionMultiplexer>(Cache, (sp, _) =>
            Connect(sp.GetRequiredService<IOptions<ConnectionStringOptions>>().Value.Redis!, BacklogPolicy.FailFast));
        builder.Services.AddKeyedSingleton(Durable, (sp, _) =>
        {
            // One multiplexer per connection string: without a separate durable Redis, share the cache's.
            var strings = sp.GetRequiredService<IOptions<ConnectionStringOptions>>().Value;
            return string.IsNullOrEmpty(strings.RedisDurable) || strings.RedisDurable == strings.Redis
                ? sp.GetRequiredKeyedService<IConnectionMultiplexer>(Cache)
                : Connect(strings.RedisDurable, BacklogPolicy.Default);
        });
        return builder;
    }

    private static ConnectionMultiplexer Connect(string connectionString, BacklogPolicy backlog)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.BacklogPolicy = backlog;
        // Start even while Redis is down; the multiplexer reconnects on its own and health checks report it.
        options.AbortOnConnectFail = false;
        return ConnectionMultiplexer.Connect(options);
    }
}
