using Microsoft.Playwright;
using Vitrine.Tests.Browser.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vitrine.Tests.Browser;

[Collection(StorefrontTests.Name)]
public sealed class AdminTests(StorefrontFixture store)
{
    [Fact]
    public async Task An_admin_creates_a_product_with_an_image_finds_it_by_search_edits_it_and_deletes_it()
    {
        var admin = await store.CreateAdminAsync();
        var name = $"Aurora {Guid.NewGuid().ToString("N")[..8]} lamp";
        var image = Path.Combine(Path.GetTempPath(), $"vitrine-upload-{Guid.NewGuid():N}.png");
        using (var picture = NetVips.Image.Black(800, 600, bands: 3).Linear([1.0, 1.0, 1.0], [230.0, 120.0, 40.0]).Cast(NetVips.Enums.BandFormat.Uchar))
        {
            picture.WriteToFile(image);
        }

        await using var browser = await store.NewBrowserAsync();
        var page = browser.Pages[0];
        await page.GotoAsync("/login?returnUrl=%2Fadmin%2Fproducts");
        await Shopper.SignInAsync(page, admin);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Manage products" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "New product" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("Description").FillAsync("A warm light for long evenings.");
        await page.GetByLabel("Price").FillAsync("49.90");
        await page.GetByLabel("Stock").FillAsync("12");
        await page.GetByLabel("Category").SelectOptionAsync("home");
        await page.GetByLabel("Image").SetInputFilesAsync(image);
        await StorefrontFixture.ScreenshotAsync(page, "admin-new-product");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("saved");
        await StorefrontFixture.ScreenshotAsync(page, "admin-products");

        // The shop finds it by full-text search, with its image served (resized, negotiated) by the API.
        await page.GotoAsync("/products?q=" + Uri.EscapeDataString(name));
        var card = page.Locator(".product-card", new() { HasText = name });
        await Expect(card).ToBeVisibleAsync();
        var img = card.Locator("img");
        await Expect(img).ToHaveAttributeAsync("srcset", new System.Text.RegularExpressions.Regex("/images/[0-9a-f]{32}\\?w=160 160w"));
        await img.ScrollIntoViewIfNeededAsync();
        await page.WaitForFunctionAsync("img => img.complete && img.naturalWidth > 0", await img.ElementHandleAsync());
        await StorefrontFixture.ScreenshotAsync(page, "search-new-product");

        // Edit: the form sends the ETag back (If-Match).
        await page.GotoAsync("/admin/products?q=" + Uri.EscapeDataString(name));
        await page.GetByRole(AriaRole.Link, new() { Name = $"Edit {name}" }).ClickAsync();
        await page.GetByLabel("Price").FillAsync("39.90");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("saved");
        await Expect(page.GetByRole(AriaRole.Row, new() { Name = name })).ToContainTextAsync("USD 39.90");

        await page.GetByRole(AriaRole.Button, new() { Name = $"Delete {name}" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("deleted");
        await page.GotoAsync("/products?q=" + Uri.EscapeDataString(name));
        await Expect(page.Locator(".product-card", new() { HasText = name })).ToHaveCountAsync(0);
        File.Delete(image);
    }

    [Fact]
    public async Task A_shopper_is_kept_out_of_the_admin_pages()
    {
        await using var browser = await store.NewBrowserAsync();
        var page = browser.Pages[0];
        await Shopper.RegisterAsync(page, "Curious Shopper");

        foreach (var path in new[] { "/admin/products", "/admin/products/new", "/admin/ops" })
        {
            await page.GotoAsync(path);
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
        }
    }

    [Fact]
    public async Task The_ops_view_says_metrics_are_unavailable_when_Prometheus_is_not_configured()
    {
        var admin = await store.CreateAdminAsync();
        await using var browser = await store.NewBrowserAsync();
        var page = browser.Pages[0];
        await page.GotoAsync("/login?returnUrl=%2Fadmin%2Fops");
        await Shopper.SignInAsync(page, admin);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Operations" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Metrics unavailable");
        await StorefrontFixture.ScreenshotAsync(page, "admin-ops-unavailable");
    }
}
