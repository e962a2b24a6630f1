using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vitrine.Data.Seeding;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Integration.Catalog;

public sealed class ProductsApiTests(CatalogApiFactory api) : IClassFixture<CatalogApiFactory>
{
    private readonly HttpClient client = api.CreateClient();

    private async Task<JsonElement> GetJsonAsync(string url)
    {
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Categories_are_listed_with_id_slug_and_name()
    {
        var categories = await GetJsonAsync("/api/v1/categories");
        categories.GetArrayLength().ShouldBe(8);
        var first = categories[0];
        first.GetProperty("id").GetInt64().ShouldBePositive();
        first.GetProperty("slug").GetString().ShouldNotBeNullOrEmpty();
        first.GetProperty("name").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Products_are_paged_with_the_total()
    {
        var page = await GetJsonAsync("/api/v1/products?page=2&pageSize=20");
        page.GetProperty("items").GetArrayLength().ShouldBe(20);
        page.GetProperty("total").GetInt64().ShouldBe(8 * DemoCatalog.ProductsPerCategory);
        page.GetProperty("page").GetInt32().ShouldBe(2);
        page.GetProperty("pageSize").GetInt32().ShouldBe(20);

        var product = page.GetProperty("items")[0];
        foreach (var field in new[] { "id", "name", "description", "priceCents", "currency", "stock", "category", "createdAt", "updatedAt" })
        {
            product.TryGetProperty(field, out _).ShouldBeTrue($"missing {field}");
        }

        product.GetProperty("priceCents").ValueKind.ShouldBe(JsonValueKind.Number);
    }

    [Fact]
    public async Task A_product_is_found_by_id_and_a_missing_one_is_a_404_problem()
    {
        var first = (await GetJsonAsync("/api/v1/products?pageSize=1")).GetProperty("items")[0];
        var id = first.GetProperty("id").GetInt64();

        var product = await GetJsonAsync($"/api/v1/products/{id}");
        product.GetProperty("name").GetString().ShouldBe(first.GetProperty("name").GetString());

        var missing = await client.GetAsync(new Uri("/api/v1/products/999999999", UriKind.Relative));
        await missing.ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Validation_errors_name_fields_in_camel_case()
    {
        var response = await client.GetAsync(new Uri("/api/v1/products?pageSize=100000", UriKind.Relative));
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty("pageSize", out _).ShouldBeTrue(problem.ToString());
    }

    [Theory]
    [InlineData("pageSize=100000")]
    [InlineData("pageSize=0")]
    [InlineData("page=0")]
    [InlineData("page=-5")]
    [InlineData("minPriceCents=-1")]
    [InlineData("sort=drop_table")]
    public async Task Out_of_range_query_values_are_400_with_an_errors_map(string query)
    {
        var response = await client.GetAsync(new Uri($"/api/v1/products?{query}", UriKind.Relative));
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").EnumerateObject().ShouldNotBeEmpty();
    }

    [Theory]
    [InlineData("pageSize=abc")]
    [InlineData("page=99999999999999999999")]
    public async Task Unparseable_query_values_are_400_problems(string query)
    {
        var response = await client.GetAsync(new Uri($"/api/v1/products?{query}", UriKind.Relative));
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Full_text_search_finds_ranked_matches()
    {
        var results = await GetJsonAsync("/api/v1/products?q=kettle&pageSize=50");
        results.GetProperty("total").GetInt64().ShouldBePositive();
        foreach (var item in results.GetProperty("items").EnumerateArray())
        {
            (item.GetProperty("name").GetString() + " " + item.GetProperty("description").GetString())
                .ShouldContain("kettle", Case.Insensitive);
        }
    }

    [Fact]
    public async Task A_search_that_finds_nothing_suggests_similar_names()
    {
        var results = await GetJsonAsync("/api/v1/products?q=kettel");
        results.GetProperty("total").GetInt64().ShouldBe(0);
        var suggestions = results.GetProperty("suggestions").EnumerateArray().Select(s => s.GetString()!).ToList();
        suggestions.ShouldNotBeEmpty();
        suggestions.ShouldAllBe(name => name.Contains("kettle", StringComparison.OrdinalIgnoreCase));

        (await GetJsonAsync("/api/v1/products?q=kettle")).TryGetProperty("suggestions", out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData("'; DROP TABLE products; --")]
    [InlineData("kettle & | ! ( ) : * <->")]
    [InlineData("\"unterminated")]
    [InlineData("-")]
    [InlineData("\\\\")]
    public async Task Hostile_search_text_is_just_text(string q)
    {
        var response = await client.GetAsync(new Uri($"/api/v1/products?q={Uri.EscapeDataString(q)}", UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await GetJsonAsync("/api/v1/products?pageSize=1")).GetProperty("total").GetInt64().ShouldBe(8 * DemoCatalog.ProductsPerCategory);
    }

    [Fact]
    public async Task Category_and_price_filters_narrow_the_results()
    {
        var results = await GetJsonAsync("/api/v1/products?category=kitchen&minPriceCents=1000&maxPriceCents=5000&sort=price_asc&pageSize=100");
        var items = results.GetProperty("items").EnumerateArray().ToList();
        items.ShouldNotBeEmpty();
        items.ShouldAllBe(item => item.GetProperty("category").GetString() == "kitchen");
        var prices = items.Select(item => item.GetProperty("priceCents").GetInt64()).ToList();
        prices.ShouldAllBe(price => price >= 1000 && price <= 5000);
        prices.ShouldBe(prices.Order().ToList());
    }
}
