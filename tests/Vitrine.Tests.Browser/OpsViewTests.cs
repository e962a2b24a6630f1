using Microsoft.Playwright;
using Vitrine.Tests.Browser.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vitrine.Tests.Browser;

[Collection(StorefrontTests.Name)]
public sealed class OpsViewTests(StorefrontFixture store)
{
    [Fact]
    public async Task The_ops_view_draws_the_replicas_metrics_from_a_real_Prometheus()
    {
        var prometheusPort = PrometheusServer.FreePort();
        await using var web = new WebFactory(store.Api, store.ApiUrl);
        web.Settings["Ops:PrometheusUrl"] = $"http://127.0.0.1:{prometheusPort}";
        var webUrl = web.CreateClient().BaseAddress!;
        await using var prometheus = await PrometheusServer.StartAsync(prometheusPort, new Dictionary<string, Uri> { ["api"] = store.ApiUrl, ["web"] = webUrl });

        await using var browser = await store.NewBrowserAsync();
        var page = browser.Pages[0];
        var admin = await store.CreateAdminAsync();
        await page.GotoAsync(new Uri(webUrl, "/login?returnUrl=%2Fadmin%2Fops").ToString().Replace("127.0.0.1", "localhost", StringComparison.Ordinal));
        await Shopper.SignInAsync(page, admin);
        await page.ReloadAsync();
        await page.ReloadAsync();

        // Wait for data, not for time: until Prometheus has a request rate for both replicas.
        await prometheus.WaitUntilAsync(
            """sum by (job) (rate(http_server_request_duration_seconds_count{job=~"api|web"}[1m])) > 0""",
            result => result.GetArrayLength() == 2);
        // The page's range query ends at its own "now" (whole seconds): reload until its window holds both series too.
        var requests = page.Locator("figure.chart", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "Requests per second" }) });
        for (var attempt = 0; attempt < 60 && await requests.Locator("polyline").CountAsync() < 2; attempt++)
        {
            await page.WaitForTimeoutAsync(500);
            await page.ReloadAsync();
        }

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Operations" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Row, new() { Name = "api" })).ToContainTextAsync("up");
        await Expect(page.GetByRole(AriaRole.Row, new() { Name = "web" })).ToContainTextAsync("up");
        await Expect(requests.Locator("polyline")).ToHaveCountAsync(2);
        await Expect(requests.Locator(".legend")).ToContainTextAsync("web:");
        await StorefrontFixture.ScreenshotAsync(page, "admin-ops");
    }
}
