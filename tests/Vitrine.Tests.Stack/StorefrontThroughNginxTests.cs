using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Vitrine.Tests.Stack;

/// <summary>
/// The storefront as a shopper meets it: Debian's Chromium through nginx (HTTP/2, TLS) to two Web replicas that call
/// two API replicas, with JavaScript on and off. The browser suite covers each page in depth against single hosts;
/// this proves the same journey survives the load balancer and a different replica on every request.
/// </summary>
[Collection(BalancedTopology.Collection)]
public sealed partial class StorefrontThroughNginxTests(BalancedTopology stack)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_shopper_registers_searches_buys_and_finds_the_order_through_the_load_balancer(bool javaScript)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await stack.LaunchBrowserAsync(playwright, javaScript);
        var page = browser.Pages[0];
        var email = $"nginx-{Guid.NewGuid():N}@example.com";

        var home = await page.GotoAsync("/");
        home!.Status.ShouldBe(200);
        (await home.HeaderValueAsync("strict-transport-security")).ShouldNotBeNull();

        await page.GotoAsync("/register");
        await page.GetByLabel("Name").FillAsync("Nginx Shopper");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("correct horse battery");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out Nginx Shopper" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Searchbox, new() { Name = "Search products" }).FillAsync("lamp");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Results for “lamp”" })).ToBeVisibleAsync();
        var first = page.Locator(".product-card a").First;
        var name = (await first.Locator("h3").TextContentAsync())!.Trim();
        await first.ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add to cart" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = name })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Check out" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync();
        await Expect(page.GetByText(Placed())).ToBeVisibleAsync();
        await Expect(page.Locator("tr[data-order-id]").First).ToContainTextAsync(name);
        await page.ScreenshotAsync(new() { Path = Path.Combine(stack.Cli.RepositoryRoot, "artifacts", "test", "screenshots", $"nginx-orders-js-{(javaScript ? "on" : "off")}.png"), FullPage = true });

        // Every page went through nginx, which spread them over both Web replicas.
        await stack.WaitForAccessLogToNameEveryReplicaAsync("web");

        // The journey made a cart, a checkout and an order: every panel of the business dashboard has data now.
        var business = Path.Combine(stack.Cli.RepositoryRoot, "deploy", "grafana", "dashboards", LoadBalancerTests.BusinessDashboard);
        (await LoadBalancerTests.EveryPanelReturnsDataAsync(stack, [business])).ShouldBeGreaterThanOrEqualTo(8);
    }

    [Fact]
    public async Task A_fresh_stack_shows_a_picture_of_every_demo_product_through_nginx()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await stack.LaunchBrowserAsync(playwright);
        var page = browser.Pages[0];
        var avif = 0;
        page.Response += (_, response) => avif += response.Url.Contains("/images/", StringComparison.Ordinal) && response.Headers.GetValueOrDefault("content-type") == "image/avif" ? 1 : 0;

        // The demo products are the stack's first (ids up to 320, loaded before anything else); other tests add products
        // without pictures, so the home page's newest may include theirs. The toys are only demo products.
        foreach (var (url, least) in new[] { ("/", 1), ("/products?category=toys", 12) })
        {
            var deadline = DateTime.UtcNow.AddMinutes(2);
            List<(long Id, bool Pictured)> cards;
            while (true)
            {
                await page.GotoAsync(url);
                cards = [];
                foreach (var card in await page.Locator(".product-card").AllAsync())
                {
                    var id = long.Parse((await card.Locator("a.product-link").GetAttributeAsync("href"))!.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
                    cards.Add((id, await card.Locator("img").CountAsync() == 1));
                }

                // The replicas paint the pictures in a background job right after `up`.
                if (cards.Where(c => c.Id <= 320).All(c => c.Pictured) || DateTime.UtcNow > deadline)
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromSeconds(2));
            }

            cards.Count(c => c.Id <= 320).ShouldBeGreaterThanOrEqualTo(least, url);
            cards.Where(c => c.Id <= 320 && !c.Pictured).ShouldBeEmpty(url);
            foreach (var image in await page.Locator(".product-card img").AllAsync())
            {
                await image.ScrollIntoViewIfNeededAsync();
                await Expect(image).ToHaveJSPropertyAsync("complete", true);
                (await image.EvaluateAsync<int>("i => i.naturalWidth")).ShouldBeGreaterThan(0, url);
            }

            await page.ScreenshotAsync(new() { Path = Path.Combine(stack.Cli.RepositoryRoot, "artifacts", "test", "screenshots", $"nginx-pictures{(url == "/" ? "-home" : "-toys")}.png"), FullPage = true });
        }

        avif.ShouldBeGreaterThan(0); // Chromium asks for AVIF, and the API's variants answer with it
    }

    [GeneratedRegex(@"Order #\d+ is placed")]
    private static partial Regex Placed();
}
