using System.Text.Json;
using Microsoft.Playwright;
using StackExchange.Redis;
using Vitrine.Tests.Browser.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vitrine.Tests.Browser;

/// <summary>Web replicas keep nothing that matters in memory: the cart, the sign-in and the API tokens live in Redis.</summary>
[Collection(StorefrontTests.Name)]
public sealed class ReplicaTests(StorefrontFixture store)
{
    [Fact]
    public async Task The_cart_and_the_sign_in_survive_a_change_of_Web_replica()
    {
        await using var replica = new WebFactory(store.Api, store.ApiUrl);
        var replicaUrl = new UriBuilder(replica.CreateClient().BaseAddress!) { Host = "localhost" }.Uri;
        await using var browser = await store.NewBrowserAsync();
        var page = browser.Pages[0];
        await Shopper.RegisterAsync(page, "Roaming Shopper");
        var product = await Shopper.AddFirstResultToCartAsync(page, "hammock");

        // The load balancer sends the next request elsewhere (cookies are per host, not per port).
        await page.GotoAsync(new Uri(replicaUrl, "/cart").ToString());
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = product })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out Roaming Shopper" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Check out" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync();
        await Expect(page.Locator("tr[data-order-id]").First).ToContainTextAsync(product);
    }

    [Fact]
    public async Task An_expired_access_token_is_refreshed_by_the_Web_and_the_shopper_notices_nothing()
    {
        await using var browser = await store.NewBrowserAsync();
        var page = browser.Pages[0];
        await Shopper.RegisterAsync(page, "Patient Shopper");

        // Age the stored access token past its expiry, as fifteen minutes would.
        using var redis = await ConnectionMultiplexer.ConnectAsync(store.Api.Servers.Durable.ConnectionString);
        var server = redis.GetServers()[0];
        var database = redis.GetDatabase();
        var keys = server.Keys(pattern: $"{store.Api.Settings["Caching:Name"]}:web:tokens:*").ToList();
        var mine = new List<(RedisKey Key, JsonElement Tokens)>();
        foreach (var key in keys)
        {
            var tokens = JsonSerializer.Deserialize<JsonElement>((await database.StringGetAsync(key)).ToString());
            mine.Add((key, tokens));
        }

        var (entry, stored) = mine.OrderByDescending(m => m.Tokens.GetProperty("UserId").GetInt64()).First();
        var aged = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(stored.GetRawText())!;
        aged["AccessTokenExpiresAt"] = JsonSerializer.SerializeToElement(DateTimeOffset.UtcNow.AddMinutes(-1));
        await database.StringSetAsync(entry, JsonSerializer.Serialize(aged));

        await page.GotoAsync("/account/orders");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your orders" })).ToBeVisibleAsync();
        await Expect(page.GetByText("No orders yet.")).ToBeVisibleAsync();

        var refreshed = JsonSerializer.Deserialize<JsonElement>((await database.StringGetAsync(entry)).ToString());
        refreshed.GetProperty("RefreshToken").GetString().ShouldNotBe(stored.GetProperty("RefreshToken").GetString());
        refreshed.GetProperty("AccessTokenExpiresAt").GetDateTimeOffset().ShouldBeGreaterThan(DateTimeOffset.UtcNow);
    }
}
