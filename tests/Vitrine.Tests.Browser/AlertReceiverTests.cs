extern alias web;

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Vitrine.Tests.Browser.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vitrine.Tests.Browser;

/// <summary>
/// The Web's receiver for Alertmanager's webhook (POST /admin/ops/alerts) and what /admin/ops shows of it: a bearer
/// token, Alertmanager's version 4 body and nothing else, every hostile body refused with a 4xx problem before any
/// alert is stored.
/// </summary>
[Collection(StorefrontTests.Name)]
public sealed class AlertReceiverTests(StorefrontFixture store)
{
    private const string Token = "a-webhook-token-of-forty-characters-0123";

    public static TheoryData<string, string> HostileBodies => new()
    {
        { "not json", "{\"version\":\"4\",\"alerts\":[" },
        { "an array", "[]" },
        { "null", "null" },
        { "another version", Body("3", Alert("firing", "0123456789abcdef")) },
        { "no alerts", "{\"version\":\"4\",\"alerts\":[]}" },
        { "a null alert", "{\"version\":\"4\",\"alerts\":[null]}" },
        { "an unknown status", Body("4", Alert("exploded", "0123456789abcdef")) },
        { "a fingerprint that is not one", Body("4", Alert("firing", "../../etc/passwd")) },
        { "no alertname", Body("4", Alert("firing", "0123456789abcdef", labels: "{\"job\":\"api\"}")) },
        { "a label of the wrong type", Body("4", Alert("firing", "0123456789abcdef", labels: "{\"alertname\":42}")) },
        { "a null label", Body("4", Alert("firing", "0123456789abcdef", labels: "{\"alertname\":\"A\",\"job\":null}")) },
        { "a huge label", Body("4", Alert("firing", "0123456789abcdef", labels: $"{{\"alertname\":\"{new string('x', 5000)}\"}}")) },
        { "too many labels", Body("4", Alert("firing", "0123456789abcdef", labels: "{\"alertname\":\"A\"," + string.Join(',', Enumerable.Range(0, 70).Select(i => $"\"l{i}\":\"v\"")) + "}")) },
        { "no start", "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"fingerprint\":\"0123456789abcdef\",\"labels\":{\"alertname\":\"A\"}}]}" },
        { "a good alert then a bad one", Body("4", Alert("firing", "0123456789abcdef"), Alert("firing", "nothex")) },
        { "too many alerts", Body("4", [.. Enumerable.Range(0, 1001).Select(i => Alert("firing", i.ToString("x16", System.Globalization.CultureInfo.InvariantCulture)))]) },
        { "too deep", new string('[', 5000) + new string(']', 5000) },
    };

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task A_malformed_or_hostile_body_is_a_400_problem_and_stores_nothing(string what, string body)
    {
        await using var web = Web(Token);
        using var http = Client(web, Token);

        using var response = await http.PostAsync(Receiver, Json(body));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, what);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json", what);
        await ShouldStoreNothingAsync(web);
    }

    [Fact]
    public async Task Without_the_token_a_json_body_or_a_small_one_the_receiver_refuses_with_the_matching_status()
    {
        await using var web = Web(Token);
        var valid = Body("4", Alert("firing", "fedcba9876543210"));

        using (var anonymous = Client(web, token: null))
        using (var response = await anonymous.PostAsync(Receiver, Json(valid)))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
        }

        using (var wrong = Client(web, Token + "x"))
        using (var response = await wrong.PostAsync(Receiver, Json(valid)))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        using var http = Client(web, Token);
        using (var response = await http.PostAsync(Receiver, new StringContent(valid, Encoding.UTF8, "text/plain")))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        }

        // Over 1 MiB: refused by its length, and by what is read when the length is not declared (chunked).
        var huge = Body("4", Alert("firing", "fedcba9876543210", labels: $"{{\"alertname\":\"A\",\"pad\":\"{new string('x', 1_100_000)}\"}}"));
        using (var response = await http.PostAsync(Receiver, Json(huge)))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        }

        using (var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(huge))))
        {
            chunked.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, Receiver) { Content = chunked };
            request.Headers.TransferEncodingChunked = true;
            using var response = await http.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        }

        await ShouldStoreNothingAsync(web);

        // No token configured: there is no receiver at all.
        await using var closed = Web(token: null);
        using var toClosed = Client(closed, Token);
        using var notFound = await toClosed.PostAsync(Receiver, Json(valid));
        notFound.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_delivered_alert_shows_as_firing_then_resolved_and_a_late_retry_does_not_bring_it_back()
    {
        await using var web = Web(Token);
        using var http = Client(web, Token);
        var fingerprint = Convert.ToHexString(Guid.NewGuid().ToByteArray()[..8]).ToLowerInvariant();
        var name = "TestAlert" + fingerprint;
        var labels = $"{{\"alertname\":\"{name}\",\"severity\":\"page\",\"job\":\"api\",\"instance\":\"10.0.0.7:8080\"}}";
        var firing = Body("4", Alert("firing", fingerprint, labels));

        (await http.PostAsync(Receiver, Json(firing))).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await using var browser = await store.NewBrowserAsync();
        var page = browser.Pages[0];
        var admin = await store.CreateAdminAsync();
        var webUrl = http.BaseAddress!;
        await page.GotoAsync(new Uri(webUrl, "/login?returnUrl=%2Fadmin%2Fops").ToString().Replace("127.0.0.1", "localhost", StringComparison.Ordinal));
        await Shopper.SignInAsync(page, admin);
        var row = page.Locator($"table[data-alerts=firing] tr[data-fingerprint='{fingerprint}']");
        await Expect(row).ToContainTextAsync(name);
        await Expect(row).ToContainTextAsync("Disk is on fire");
        await Expect(row).ToContainTextAsync("api 10.0.0.7:8080");
        await Expect(page.GetByText("Silences unavailable")).ToBeVisibleAsync();

        (await http.PostAsync(Receiver, Json(Body("4", Alert("resolved", fingerprint, labels))))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        // Alertmanager retries a failed delivery: the older "firing" arriving after "resolved" must not undo it.
        (await http.PostAsync(Receiver, Json(firing))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await page.ReloadAsync();
        await Expect(page.Locator($"table[data-alerts=resolved] tr[data-fingerprint='{fingerprint}']")).ToContainTextAsync(name);
        await Expect(row).ToHaveCountAsync(0);
    }

    private static readonly Uri Receiver = new("/admin/ops/alerts", UriKind.Relative);

    private WebFactory Web(string? token)
    {
        var web = new WebFactory(store.Api, store.ApiUrl);
        if (token is not null)
        {
            web.Settings["Ops:AlertWebhookToken"] = token;
        }

        return web;
    }

    private static HttpClient Client(WebFactory web, string? token)
    {
        var http = new HttpClient { BaseAddress = web.CreateClient().BaseAddress };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return http;
    }

    private static async Task ShouldStoreNothingAsync(WebFactory web)
    {
        var alerts = await web.Services.GetRequiredService<web::Vitrine.Web.Ops.AlertStore>().ListAsync();
        // Every hostile or refused body names DiskOnFire or A; the one stored on purpose names TestAlert….
        alerts.Where(alert => alert.Name is "DiskOnFire" or "A").ShouldBeEmpty();
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Body(string version, params string[] alerts) =>
        $"{{\"version\":\"{version}\",\"receiver\":\"ops-view\",\"status\":\"firing\",\"alerts\":[{string.Join(',', alerts)}]}}";

    private static string Alert(string status, string fingerprint, string labels = "{\"alertname\":\"DiskOnFire\"}") =>
        $"{{\"status\":\"{status}\",\"fingerprint\":\"{fingerprint}\",\"labels\":{labels},\"annotations\":{{\"summary\":\"Disk is on fire\"}},"
        + $"\"startsAt\":\"2026-12-03T10:00:00Z\",\"endsAt\":\"{(status == "resolved" ? "2026-12-03T10:05:00Z" : "0001-01-01T00:00:00Z")}\"}}";
}
