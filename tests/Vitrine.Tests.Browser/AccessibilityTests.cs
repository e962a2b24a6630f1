using System.Text.Json;
using Microsoft.Playwright;
using Vitrine.Tests.Browser.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vitrine.Tests.Browser;

/// <summary>
/// Every page checked by axe-core (the accessibility engine, from npm in tests/tools) against WCAG 2.1 A and AA:
/// labels, names, contrast, landmarks, ARIA. Plus the keyboard: the first Tab reaches the skip link.
/// </summary>
[Collection(StorefrontTests.Name)]
public sealed class AccessibilityTests(StorefrontFixture store)
{
    private static readonly string AxeScript = Path.Combine(StorefrontFixture.RepositoryRoot, "tests", "tools", "node_modules", "axe-core", "axe.min.js");

    [Fact]
    public async Task Every_page_passes_the_WCAG_2_1_AA_checks_of_axe_core()
    {
        File.Exists(AxeScript).ShouldBeTrue($"axe-core is missing: run npm ci in tests/tools (./vitrine test does). Looked for {AxeScript}");

        // Injecting axe needs the page's Content-Security-Policy set aside (it allows scripts from the site only).
        await using var browser = await store.NewBrowserAsync(bypassContentSecurityPolicy: true);
        var page = browser.Pages[0];
        var violations = new List<string>();
        await CheckAsync(page, "/", violations);
        await CheckAsync(page, "/products?q=lamp", violations);
        await CheckAsync(page, "/products?min=oops", violations);
        await page.GotoAsync("/products?q=lamp");
        var productUrl = await page.Locator(".product-card a").First.GetAttributeAsync("href");
        await CheckAsync(page, productUrl!, violations);
        await CheckAsync(page, "/login", violations);
        await CheckAsync(page, "/register", violations);
        await CheckAsync(page, "/no/such/page", violations);

        await page.GotoAsync(productUrl!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await CheckAsync(page, "/cart", violations);

        await page.GotoAsync("/login?returnUrl=%2Fcheckout");
        await Shopper.SignInAsync(page, await store.CreateAdminAsync());
        await CheckAsync(page, "/checkout", violations);
        await CheckAsync(page, "/account/orders", violations);
        await CheckAsync(page, "/admin/products", violations);
        await CheckAsync(page, "/admin/products/new", violations);
        await CheckAsync(page, "/admin/ops", violations);

        violations.ShouldBeEmpty(string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public async Task The_first_tab_reaches_the_skip_link_which_moves_focus_to_the_content()
    {
        await using var browser = await store.NewBrowserAsync();
        var page = browser.Pages[0];
        await page.GotoAsync("/products");

        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" })).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        page.Url.ShouldEndWith("/products#main");
        await page.Keyboard.PressAsync("Tab");
        var focused = await page.EvaluateAsync<string>("document.activeElement.closest('main') ? 'main' : document.activeElement.tagName");
        focused.ShouldBe("main"); // the next Tab lands inside the content, past the header
    }

    private static async Task CheckAsync(IPage page, string path, List<string> violations)
    {
        await page.GotoAsync(path);
        await page.AddScriptTagAsync(new() { Path = AxeScript });
        var result = await page.EvaluateAsync<JsonElement>(
            "async () => (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })).violations" +
            ".map(v => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' ')).slice(0, 5) }))");
        foreach (var violation in result.EnumerateArray())
        {
            violations.Add($"{path}: {violation.GetProperty("id").GetString()} ({violation.GetProperty("impact").GetString()}): " +
                $"{violation.GetProperty("help").GetString()} at {string.Join(", ", violation.GetProperty("targets").EnumerateArray().Select(t => t.GetString()))}");
        }
    }
}
