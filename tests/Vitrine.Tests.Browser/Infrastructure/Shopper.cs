using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Vitrine.Tests.Browser.Infrastructure;

/// <summary>What a shopper does in the browser, step by step, with or without JavaScript.</summary>
public static class Shopper
{
    public static async Task<string> RegisterAsync(IPage page, string name = "Grace Shopper")
    {
        var email = $"shopper-{Guid.NewGuid():N}@example.com";
        await page.GotoAsync("/register");
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(StorefrontFixture.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = $"Sign out {name}" })).ToBeVisibleAsync();
        return email;
    }

    public static async Task SignInAsync(IPage page, string email)
    {
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(StorefrontFixture.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>Opens the first search result for the term and adds it to the cart; returns its name.</summary>
    public static async Task<string> AddFirstResultToCartAsync(IPage page, string term, int quantity = 1)
    {
        await page.GotoAsync($"/products?q={Uri.EscapeDataString(term)}");
        var first = page.Locator(".product-card a").First;
        var name = (await first.Locator("h3").TextContentAsync())!.Trim();
        await first.ClickAsync();
        await page.GetByLabel("Quantity").FillAsync(quantity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = name })).ToBeVisibleAsync();
        return name;
    }
}
