using System.Net;
using StackExchange.Redis;
using Vitrine.Tests.Integration.Infrastructure;
using Vitrine.Tests.Integration.Orders;

namespace Vitrine.Tests.Integration.Caching;

/// <summary>Redis stopped under reads: answers keep coming (memory or database), never a 5xx, and recovery after.</summary>
public sealed class RedisOutageCacheTests(OwnRedisApiFactory api) : IClassFixture<OwnRedisApiFactory>
{
    [Fact]
    public async Task Reads_are_served_while_redis_is_down_and_after_it_returns()
    {
        var client = api.CreateClient();
        var product = await api.ProductAsync(stock: 3);
        (await client.GetAsync(new Uri($"/api/v1/products/{product}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.HoldsAsync(async () => await CachedInRedisAsync(product), "a product read never reached the Redis cache (L2)");

        await api.Redis.StopAsync();
        try
        {
            // The outage, as the API itself sees it: not ready, yet every read is answered.
            (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            var during = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => client.GetAsync(new Uri(
                i % 2 == 0 ? $"/api/v1/products/{product}" : $"/api/v1/products?page={1 + (i % 5)}&pageSize=5", UriKind.Relative))));
            during.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        }
        finally
        {
            await api.Redis.StartAsync();
        }

        // The recovery, observed rather than slept for: the API is ready again, and a product read for the first time
        // now is written to the restarted Redis, i.e. the distributed cache is in use again.
        await Eventually.HoldsAsync(async () => (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK,
            "the API never became ready again after Redis returned");
        var fresh = await api.ProductAsync(stock: 4);
        await Eventually.HoldsAsync(async () =>
        {
            (await client.GetAsync(new Uri($"/api/v1/products/{fresh}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
            return await CachedInRedisAsync(fresh);
        }, "reads after the outage never reached the restarted Redis");
        var after = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.GetAsync(new Uri($"/api/v1/products/{product}", UriKind.Relative))));
        after.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
    }

    /// <summary>Whether the product's entry is in the Redis server itself (FusionCache's L2 key ends with its cache key).</summary>
    private async Task<bool> CachedInRedisAsync(long product)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(api.Redis.ConnectionString);
        var pattern = $"*{api.Settings["Caching:Name"]}:{Vitrine.Api.Caching.CatalogCache.ProductKey(product)}";
        await foreach (var _ in redis.GetServer(redis.GetEndPoints()[0]).KeysAsync(pattern: pattern))
        {
            return true;
        }

        return false;
    }
}
