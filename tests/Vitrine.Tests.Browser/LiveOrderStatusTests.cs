using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Vitrine.Tests.Browser.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vitrine.Tests.Browser;

[Collection(StorefrontTests.Name)]
public sealed class LiveOrderStatusTests(StorefrontFixture store)
{
    [Fact]
    public async Task With_JavaScript_the_order_history_shows_a_status_change_as_it_happens()
    {
        await using var browser = await store.NewBrowserAsync();
        var page = browser.Pages[0];
        await Shopper.RegisterAsync(page, "Live Shopper");
        await Shopper.AddFirstResultToCartAsync(page, "compass");
        await page.GotoAsync("/checkout");
        await page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync();

        // The page subscribed (through the Web, which holds the API token) before anything changes.
        await Expect(page.Locator("table[data-live=connected]")).ToBeVisibleAsync();
        var row = page.Locator("tr[data-order-id]").First;
        var orderId = await row.GetAttributeAsync("data-order-id");
        await Expect(row.Locator("[data-order-status]")).ToHaveTextAsync("pending");

        // An admin marks it paid, through the API: the shopper's page updates without a reload.
        using var api = new HttpClient { BaseAddress = store.ApiUrl };
        var login = await api.PostAsJsonAsync("/api/v1/auth/login", new { email = await store.CreateAdminAsync(), password = StorefrontFixture.Password });
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/admin/orders/{orderId}/status") { Content = JsonContent.Create(new { status = "paid" }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        (await api.SendAsync(request)).EnsureSuccessStatusCode();

        await Expect(row.Locator("[data-order-status]")).ToHaveTextAsync("paid");
    }
}
