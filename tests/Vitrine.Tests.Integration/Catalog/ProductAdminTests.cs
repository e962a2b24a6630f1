using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Integration.Catalog;

public sealed class ProductAdminTests(CatalogApiFactory api) : IClassFixture<CatalogApiFactory>
{
    private readonly HttpClient client = api.CreateClient();

    private static object Product(string name = "Walnut desk lamp", long priceCents = 4_999, int stock = 7, string category = "home") =>
        new { name, description = "A lamp for late reading.", priceCents, currency = "USD", stock, category };

    private async Task<(long Id, string ETag)> CreateAsync(string admin, object body)
    {
        var created = await client.SendAsync(HttpMethod.Post, "/api/v1/products", admin, body);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var json = await created.Content.ReadFromJsonAsync<JsonElement>();
        return (json.GetProperty("id").GetInt64(), created.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task An_admin_creates_a_product_that_anyone_can_read_and_search()
    {
        var admin = await api.SignInAdminAsync(client);
        var (id, etag) = await CreateAsync(admin.AccessToken, Product(name: "Zanzibar teak lamp"));

        var read = await client.GetAsync(new Uri($"/api/v1/products/{id}", UriKind.Relative));
        read.StatusCode.ShouldBe(HttpStatusCode.OK);
        read.Headers.ETag!.Tag.ShouldBe(etag);
        var search = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/products?q=zanzibar", UriKind.Relative));
        search.GetProperty("items")[0].GetProperty("id").GetInt64().ShouldBe(id);
    }

    [Fact]
    public async Task Search_ranks_a_product_about_the_words_above_one_that_mentions_them()
    {
        var admin = await api.SignInAdminAsync(client);
        async Task<long> CreateAsync(string name, string description)
        {
            var response = await client.SendAsync(HttpMethod.Post, "/api/v1/products", admin.AccessToken,
                new { name, description, priceCents = 100, currency = "USD", stock = 1, category = "kitchen" });
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        }

        var mention = await CreateAsync("Quokka mug", "A mug that pairs with any kettle.");
        var about = await CreateAsync("Quokka kettle", "The quokka kettle: a kettle for quokka fans, boils fast.");

        var results = await client.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/products?q=quokka%20kettle", UriKind.Relative));
        var ids = results.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetInt64()).ToList();
        ids.ShouldContain(about);
        ids.IndexOf(about).ShouldBe(0);
        ids.ShouldContain(mention);
    }

    [Fact]
    public async Task A_matching_if_none_match_gets_304()
    {
        var admin = await api.SignInAdminAsync(client);
        var (id, etag) = await CreateAsync(admin.AccessToken, Product());

        var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/v1/products/{id}", UriKind.Relative));
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue(etag));
        var response = await client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.NotModified);
    }

    [Fact]
    public async Task Put_with_a_stale_if_match_is_412_and_changes_nothing()
    {
        var admin = await api.SignInAdminAsync(client);
        var (id, etag) = await CreateAsync(admin.AccessToken, Product(priceCents: 1_000));

        var first = new HttpRequestMessage(HttpMethod.Put, new Uri($"/api/v1/products/{id}", UriKind.Relative)) { Content = JsonContent.Create(Product(priceCents: 2_000)) };
        first.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.AccessToken);
        first.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        var updated = await client.SendAsync(first);
        updated.StatusCode.ShouldBe(HttpStatusCode.OK);
        updated.Headers.ETag!.Tag.ShouldNotBe(etag);

        var stale = new HttpRequestMessage(HttpMethod.Put, new Uri($"/api/v1/products/{id}", UriKind.Relative)) { Content = JsonContent.Create(Product(priceCents: 3_000)) };
        stale.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.AccessToken);
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        await (await client.SendAsync(stale)).ShouldBeProblemAsync(HttpStatusCode.PreconditionFailed);

        var current = await client.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/products/{id}", UriKind.Relative));
        current.GetProperty("priceCents").GetInt64().ShouldBe(2_000);
    }

    [Fact]
    public async Task Concurrent_edits_with_one_etag_let_exactly_one_win()
    {
        var admin = await api.SignInAdminAsync(client);
        var (id, etag) = await CreateAsync(admin.AccessToken, Product());

        var edits = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
        {
            var put = new HttpRequestMessage(HttpMethod.Put, new Uri($"/api/v1/products/{id}", UriKind.Relative)) { Content = JsonContent.Create(Product(priceCents: 100 + i)) };
            put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.AccessToken);
            put.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
            return client.SendAsync(put);
        }));

        edits.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        edits.Count(r => r.StatusCode == HttpStatusCode.PreconditionFailed).ShouldBe(5);
    }

    [Theory]
    [InlineData("", 100, 1, "home", "name")]
    [InlineData("Lamp", -1, 1, "home", "priceCents")]
    [InlineData("Lamp", 100, -3, "home", "stock")]
    [InlineData("Lamp", 100, 1, "no-such-category", "category")]
    public async Task Invalid_products_are_400_with_the_field_named(string name, long priceCents, int stock, string category, string field)
    {
        var admin = await api.SignInAdminAsync(client);
        var response = await client.SendAsync(HttpMethod.Post, "/api/v1/products", admin.AccessToken, Product(name, priceCents, stock, category));
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
    }

    [Fact]
    public async Task Delete_removes_a_product_and_a_second_delete_is_404()
    {
        var admin = await api.SignInAdminAsync(client);
        var (id, _) = await CreateAsync(admin.AccessToken, Product());

        (await client.SendAsync(HttpMethod.Delete, $"/api/v1/products/{id}", admin.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await (await client.SendAsync(HttpMethod.Delete, $"/api/v1/products/{id}", admin.AccessToken)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }
}
