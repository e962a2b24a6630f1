using System.Net;
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

        await api.Redis.StopAsync();
        try
        {
            var during = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => client.GetAsync(new Uri(
                i % 2 == 0 ? $"/api/v1/products/{product}" : $"/api/v1/products?page={1 + (i % 5)}&pageSize=5", UriKind.Relative))));
            during.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        }
        finally
        {
            await api.Redis.StartAsync();
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        var after = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.GetAsync(new Uri($"/api/v1/products/{product}", UriKind.Relative))));
        after.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
    }
}
