using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Vitrine.Tests.Integration.Infrastructure;
using Vitrine.Tests.Integration.Orders;

namespace Vitrine.Tests.Integration.Caching;

public sealed class CatalogCacheTests(CatalogApiFactory api) : IClassFixture<CatalogApiFactory>
{
    private readonly HttpClient client = api.CreateClient();

    private static object Product(long priceCents) =>
        new { name = "Cached lamp", description = "Under test.", priceCents, currency = "USD", stock = 3, category = "home" };

    private static async Task<long> PriceAsync(HttpClient http, long id) =>
        (await http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/products/{id}", UriKind.Relative))).GetProperty("priceCents").GetInt64();

    [Fact]
    public async Task An_edit_on_one_replica_is_served_fresh_by_another_within_a_second()
    {
        await using var replica = api.Replica();
        var other = replica.CreateClient();
        var admin = await api.SignInAdminAsync(client);
        var created = await client.SendAsync(HttpMethod.Post, "/api/v1/products", admin.AccessToken, Product(1_000));
        var id = (await created.JsonAsync()).GetProperty("id").GetInt64();

        // Both replicas now hold the product in memory.
        (await PriceAsync(client, id)).ShouldBe(1_000);
        (await PriceAsync(other, id)).ShouldBe(1_000);
        var listed = await other.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/products?q=cached&pageSize=100", UriKind.Relative));
        listed.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("id").GetInt64() == id).GetProperty("priceCents").GetInt64().ShouldBe(1_000);

        var put = new HttpRequestMessage(HttpMethod.Put, new Uri($"/api/v1/products/{id}", UriKind.Relative)) { Content = JsonContent.Create(Product(2_000)) };
        put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.AccessToken);
        (await client.SendAsync(put)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var deadline = DateTime.UtcNow.AddSeconds(1);
        long seen;
        do
        {
            seen = await PriceAsync(other, id);
        }
        while (seen != 2_000 && DateTime.UtcNow < deadline);

        seen.ShouldBe(2_000);
        listed = await other.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/products?q=cached&pageSize=100", UriKind.Relative));
        listed.GetProperty("items").EnumerateArray().Single(p => p.GetProperty("id").GetInt64() == id).GetProperty("priceCents").GetInt64().ShouldBe(2_000);
    }

    [Fact]
    public async Task An_order_evicts_the_cached_stock_of_its_products()
    {
        var (_, buyer) = await client.SignUpAsync();
        var product = await api.ProductAsync(stock: 7);
        (await client.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/products/{product}", UriKind.Relative))).GetProperty("stock").GetInt32().ShouldBe(7);

        (await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((product, 2)))).StatusCode.ShouldBe(HttpStatusCode.Created);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        int stock;
        do
        {
            await Task.Delay(100);
            stock = (await client.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/products/{product}", UriKind.Relative))).GetProperty("stock").GetInt32();
        }
        while (stock != 5 && DateTime.UtcNow < deadline);

        stock.ShouldBe(5);
    }

    [Fact]
    public async Task Public_reads_may_be_cached_by_shared_caches_but_credentialed_ones_may_not()
    {
        var anonymous = await client.GetAsync(new Uri("/api/v1/products?pageSize=1", UriKind.Relative));
        anonymous.Headers.CacheControl!.Public.ShouldBeTrue();
        anonymous.Headers.CacheControl.MaxAge.ShouldNotBeNull();

        var (_, user) = await client.SignUpAsync();
        var signedIn = await client.GetAsync("/api/v1/products?pageSize=1", user.AccessToken);
        signedIn.Headers.CacheControl!.Private.ShouldBeTrue();
        signedIn.Headers.CacheControl.NoStore.ShouldBeTrue();
    }

    [Fact]
    public async Task Hits_and_misses_are_counted_for_prometheus()
    {
        for (var i = 0; i < 3; i++)
        {
            await client.GetAsync(new Uri("/api/v1/categories", UriKind.Relative));
        }

        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        metrics.ShouldContain("vitrine_cache_hits_total");
        metrics.ShouldContain("vitrine_cache_misses_total");
    }
}
