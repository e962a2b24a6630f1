using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Vitrine.Tests.Browser.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vitrine.Tests.Browser;

[Collection(StorefrontTests.Name)]
public sealed partial class ShopperJourneyTests(StorefrontFixture store)
{
    [Fact]
    public async Task A_new_shopper_registers_signs_in_searches_buys_and_finds_the_order_in_history()
    {
        await using var browser = await store.NewBrowserAsync();
        var page = browser.Pages[0];
        var email = $"shopper-{Guid.NewGuid():N}@example.com";

        await page.GotoAsync("/");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome to Vitrine" })).ToBeVisibleAsync();
        await StorefrontFixture.ScreenshotAsync(page, "home");

        await page.GetByRole(AriaRole.Link, new() { Name = "Register", Exact = true }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("Ada Shopper");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(StorefrontFixture.Password);
        await StorefrontFixture.ScreenshotAsync(page, "register");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out Ada Shopper" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out Ada Shopper" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(StorefrontFixture.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out Ada Shopper" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search products" }).FillAsync("kettle");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Results for “kettle”" })).ToBeVisibleAsync();
        await StorefrontFixture.ScreenshotAsync(page, "search-results");

        var firstProduct = page.Locator(".product-card a").First;
        var productName = (await firstProduct.Locator("h3").TextContentAsync())!.Trim();
        productName.ShouldContain("kettle", Case.Insensitive);
        await firstProduct.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = productName, Level = 1 })).ToBeVisibleAsync();
        await StorefrontFixture.ScreenshotAsync(page, "product");

        await page.GetByLabel("Quantity").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your cart" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = productName })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Cart (2)" })).ToBeVisibleAsync();
        await StorefrontFixture.ScreenshotAsync(page, "cart");

        await page.GetByRole(AriaRole.Link, new() { Name = "Check out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Checkout" })).ToBeVisibleAsync();
        await StorefrontFixture.ScreenshotAsync(page, "checkout");
        await page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync();

        await Expect(page.GetByText(PlacedMessage())).ToBeVisibleAsync();
        var row = page.Locator("tr[data-order-id]").First;
        await Expect(row).ToContainTextAsync($"2 × {productName}");
        await Expect(row.Locator("[data-order-status]")).ToHaveTextAsync("pending");
        await StorefrontFixture.ScreenshotAsync(page, "orders");
    }

    [Fact]
    public async Task When_stock_runs_short_before_checkout_the_shopper_is_told_which_product_and_nothing_is_ordered()
    {
        var admin = await store.CreateAdminAsync();
        using var api = new HttpClient { BaseAddress = store.ApiUrl };
        var login = await api.PostAsJsonAsync("/api/v1/auth/login", new { email = admin, password = StorefrontFixture.Password });
        api.DefaultRequestHeaders.Authorization = new("Bearer", (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString());
        var name = $"Scarce {Guid.NewGuid().ToString("N")[..8]} teapot";
        var created = await api.PostAsJsonAsync("/api/v1/products", new { name, description = "Only two left.", priceCents = 2500, currency = "USD", stock = 2, category = "kitchen" });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        await using var browser = await store.NewBrowserAsync();
        var page = browser.Pages[0];
        await Shopper.RegisterAsync(page, "Late Shopper");
        await page.GotoAsync($"/products/{id}");
        await page.GetByLabel("Quantity").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await page.GotoAsync("/checkout");

        // Someone else buys one meanwhile.
        (await api.PutAsJsonAsync($"/api/v1/products/{id}", new { name, description = "Only one left.", priceCents = 2500, currency = "USD", stock = 1, category = "kitchen" })).EnsureSuccessStatusCode();
        await page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync($"Not enough stock of {name}");
        await StorefrontFixture.ScreenshotAsync(page, "checkout-out-of-stock");
        await page.GotoAsync("/account/orders");
        await Expect(page.GetByText("No orders yet.")).ToBeVisibleAsync();
    }

    [GeneratedRegex(@"Order #\d+ is placed")]
    private static partial Regex PlacedMessage();
}
