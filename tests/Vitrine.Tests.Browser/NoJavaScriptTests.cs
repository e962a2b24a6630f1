using Microsoft.Playwright;
using Vitrine.Tests.Browser.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vitrine.Tests.Browser;

/// <summary>Every read and every form works with JavaScript off: JavaScript only enhances.</summary>
[Collection(StorefrontTests.Name)]
public sealed class NoJavaScriptTests(StorefrontFixture store)
{
    [Fact]
    public async Task Without_JavaScript_a_shopper_browses_filters_searches_signs_in_adds_to_cart_and_checks_out()
    {
        await using var browser = await store.NewBrowserAsync(javaScript: false);
        var page = browser.Pages[0];

        // Browse, filter by category and price, sort: a plain GET form.
        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Browse all products" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Products", Level = 1 })).ToBeVisibleAsync();
        await page.GetByLabel("Category").SelectOptionAsync(new SelectOptionValue { Label = "Kitchen" });
        await page.GetByLabel("Max price").FillAsync("50");
        await page.GetByLabel("Sort by").SelectOptionAsync("price_asc");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        page.Url.ShouldContain("category=kitchen");
        var prices = await page.Locator(".product-card .price").AllTextContentsAsync();
        prices.ShouldNotBeEmpty();
        var amounts = prices.Select(p => decimal.Parse(p.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        amounts.ShouldBe(amounts.Order().ToList());
        amounts.ShouldAllBe(a => a <= 50m);
        await StorefrontFixture.ScreenshotAsync(page, "nojs-filtered");

        // Search from the header.
        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search products" }).FillAsync("lantern");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Results for “lantern”" })).ToBeVisibleAsync();

        // Add to cart as a guest, then check out: sign-in is asked for, and the cart survives it.
        var product = await Shopper.AddFirstResultToCartAsync(page, "lantern", quantity: 3);
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in to check out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("Nojs Shopper");
        await page.GetByLabel("E-mail").FillAsync($"nojs-{Guid.NewGuid():N}@example.com");
        await page.GetByLabel("Password").FillAsync(StorefrontFixture.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Checkout" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Row, new() { Name = product })).ToContainTextAsync("3");
        await page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your orders" })).ToBeVisibleAsync();
        await Expect(page.Locator("tr[data-order-id]").First).ToContainTextAsync($"3 × {product}");
        await StorefrontFixture.ScreenshotAsync(page, "nojs-orders");
    }

    [Fact]
    public async Task Without_JavaScript_a_wrong_password_is_answered_next_to_the_form_and_signing_in_works()
    {
        await using var browser = await store.NewBrowserAsync(javaScript: false);
        var page = browser.Pages[0];
        var email = await Shopper.RegisterAsync(page, "Second Shopper");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out Second Shopper" }).ClickAsync();

        await page.GotoAsync("/login");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("not the password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The e-mail or password is not right.");
        await StorefrontFixture.ScreenshotAsync(page, "nojs-login-error");

        await Shopper.SignInAsync(page, email);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out Second Shopper" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Without_JavaScript_form_errors_appear_next_to_their_fields()
    {
        await using var browser = await store.NewBrowserAsync(javaScript: false);
        var page = browser.Pages[0];
        var email = await Shopper.RegisterAsync(page, "First Owner");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out First Owner" }).ClickAsync();

        // Checked by the form itself (the server renders the messages: no script runs).
        await page.GotoAsync("/register");
        await page.GetByLabel("E-mail").FillAsync("not-an-address");
        await page.GetByLabel("Password").FillAsync("short");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.Locator(".field", new() { Has = page.GetByLabel("Name") })).ToContainTextAsync("Enter your name.");
        await Expect(page.Locator(".field", new() { Has = page.GetByLabel("E-mail") })).ToContainTextAsync("Enter a valid e-mail address.");
        await Expect(page.Locator(".field", new() { Has = page.GetByLabel("Password") })).ToContainTextAsync("Use 8 to 72 characters.");

        // Refused by the API (409): said plainly.
        await page.GetByLabel("Name").FillAsync("Second Owner");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(StorefrontFixture.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("An account with this e-mail already exists.");
        await StorefrontFixture.ScreenshotAsync(page, "nojs-register-errors");
    }
}
