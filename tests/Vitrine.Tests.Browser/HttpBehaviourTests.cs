using System.Net;
using System.Text.RegularExpressions;
using Vitrine.Tests.Browser.Infrastructure;

namespace Vitrine.Tests.Browser;

/// <summary>What the Web answers at the HTTP level: statuses for hostile input, cache headers, output caching.</summary>
[Collection(StorefrontTests.Name)]
public sealed partial class HttpBehaviourTests(StorefrontFixture store)
{
    [Theory]
    [InlineData("/products?page=abc", HttpStatusCode.BadRequest)]
    [InlineData("/products?page=-1", HttpStatusCode.BadRequest)]
    [InlineData("/products?min=lots", HttpStatusCode.BadRequest)]
    [InlineData("/products?sort=%27%3Bdrop", HttpStatusCode.BadRequest)]
    [InlineData("/products/99999999999", HttpStatusCode.NotFound)]
    [InlineData("/products/999999999999999999999999", HttpStatusCode.NotFound)]
    [InlineData("/products/abc", HttpStatusCode.NotFound)]
    [InlineData("/no/such/page", HttpStatusCode.NotFound)]
    [InlineData("/images/%2e%2e%2fetc", HttpStatusCode.NotFound)]
    public async Task Hostile_or_wrong_addresses_get_a_page_with_a_4xx_never_a_500(string path, HttpStatusCode expected)
    {
        using var client = NewClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        response.StatusCode.ShouldBe(expected);
        (await response.Content.ReadAsStringAsync()).ShouldContain("<h1>");
    }

    [Fact]
    public async Task Pages_are_revalidated_on_every_visit_and_anonymous_catalog_pages_are_output_cached()
    {
        using var client = NewClient();
        var path = new Uri($"/products?q=lamp&unique={Guid.NewGuid():N}", UriKind.Relative);

        using var first = await client.GetAsync(path);
        using var second = await client.GetAsync(path);

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        first.Headers.CacheControl!.NoCache.ShouldBeTrue();
        first.Headers.Age.ShouldBeNull();
        second.Headers.Age.ShouldNotBeNull(); // served from the output cache
        (await second.Content.ReadAsStringAsync()).ShouldBe(await first.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_shopper_with_a_session_is_never_served_a_cached_page()
    {
        using var client = NewClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/products?q=lamp&cached=no", UriKind.Relative));
        request.Headers.Add("Cookie", "vitrine.session=whatever");
        using var warm = await client.GetAsync(new Uri("/products?q=lamp&cached=no", UriKind.Relative));

        using var response = await client.SendAsync(request);

        response.Headers.Age.ShouldBeNull();
        response.Headers.CacheControl!.Private.ShouldBeTrue();
    }

    [Fact]
    public async Task Scripts_stay_far_under_the_seeds_budget()
    {
        using var client = NewClient();
        var html = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        var scripts = ScriptSource().Matches(html).Select(m => m.Groups[1].Value).ToList();
        scripts.Count.ShouldBe(2); // blazor.web.js and app.js, nothing else

        long total = 0;
        foreach (var script in scripts)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(script, UriKind.Relative));
            request.Headers.AcceptEncoding.ParseAdd("gzip");
            using var response = await client.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Headers.CacheControl!.ToString().ShouldContain("immutable"); // fingerprinted: cached for a year
            total += (await response.Content.ReadAsByteArrayAsync()).Length;
        }

        total.ShouldBeGreaterThan(40 * 1024); // blazor.web.js really is served (about 56 KB gzipped)…
        total.ShouldBeLessThan(100 * 1024); // …and everything together stays far under the seed's 200 KB
    }

    [Fact]
    public async Task Pages_stream_their_data_only_to_enhanced_navigation_and_arrive_whole_otherwise()
    {
        using var client = NewClient();
        var path = new Uri($"/products?q=lamp&stream={Guid.NewGuid():N}", UriKind.Relative);

        var whole = await client.GetStringAsync(path);
        using var enhanced = new HttpRequestMessage(HttpMethod.Get, path);
        enhanced.Headers.TryAddWithoutValidation("Accept", "text/html; blazor-enhanced-nav=on");
        var streamed = await (await client.SendAsync(enhanced)).Content.ReadAsStringAsync();

        // Without the script, streamed updates (<blazor-ssr> templates) would never be shown: a full load has none.
        whole.ShouldNotContain("<blazor-ssr");
        whole.ShouldContain("product-card");
        streamed.ShouldContain("<blazor-ssr");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/products?q=lamp")]
    [InlineData("/products/1")]
    public async Task When_the_API_is_unreachable_pages_say_so_with_a_503_never_a_500(string path)
    {
        var nowhere = new Uri($"http://127.0.0.1:{PrometheusServer.FreePort()}/");
        await using var web = new WebFactory(store.Api, nowhere);
        using var client = new HttpClient { BaseAddress = web.CreateClient().BaseAddress };

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync()).ShouldContain("temporarily unavailable");
    }

    private HttpClient NewClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = DecompressionMethods.None }) { BaseAddress = store.BaseUrl };

    [GeneratedRegex("<script src=\"([^\"]+)\"")]
    private static partial Regex ScriptSource();
}
