using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Vitrine.Tests.Integration.Infrastructure;
using Vitrine.Tests.Integration.Orders;

namespace Vitrine.Tests.Integration.Events;

public sealed class JobsAndEventsTests(CatalogApiFactory api) : IClassFixture<CatalogApiFactory>
{
    private readonly HttpClient client = api.CreateClient();

    internal static async Task<string> WaitForFileAsync(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!File.Exists(path))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{path} did not appear within {timeout}");
            }

            await Task.Delay(100);
        }

        return await File.ReadAllTextAsync(path);
    }

    private async Task<long> PlaceAsync(string accessToken, long product)
    {
        var response = await client.PlaceAsync(accessToken, OrderTestKit.Lines((product, 2)));
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        return (await response.JsonAsync()).GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task Every_order_gets_a_confirmation_email()
    {
        var (email, buyer) = await client.SignUpAsync("mail");
        var orderId = await PlaceAsync(buyer.AccessToken, await api.ProductAsync(stock: 5, priceCents: 1_250));

        var message = await WaitForFileAsync(Path.Combine(api.MailDirectory, $"order-{orderId}.eml"), TimeSpan.FromSeconds(30));

        message.ShouldContain("To: ");
        message.ShouldContain($"Test User <{email}>");
        message.ShouldContain($"Subject: Your Vitrine order #{orderId}");
        message.ShouldContain("25.00 USD");
    }

    [Fact]
    public async Task An_owner_sees_live_status_changes_of_their_orders_only()
    {
        var (_, owner) = await client.SignUpAsync("owner");
        var (_, other) = await client.SignUpAsync("other");
        var admin = await api.SignInAdminAsync(client);
        var product = await api.ProductAsync(stock: 10);

        using var stream = new HttpClient { BaseAddress = client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/users/me/orders/events", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", owner.AccessToken);
        using var response = await stream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe("text/event-stream");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        (await reader.ReadLineAsync()).ShouldBe("event: ready");

        await PlaceAsync(other.AccessToken, product);
        var orderId = await PlaceAsync(owner.AccessToken, product);
        (await client.SendAsync(HttpMethod.Post, $"/api/v1/admin/orders/{orderId}/status", admin.AccessToken, new { status = "paid" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var received = new List<(string Event, JsonElement Data)>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? eventName = null;
        while (received.Count < 2)
        {
            var line = await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException();
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                eventName = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && eventName is "order.placed" or "order.status-changed")
            {
                received.Add((eventName!, JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone()));
            }
        }

        received.ShouldAllBe(e => e.Data.GetProperty("orderId").GetInt64() == orderId);
        received.Select(e => e.Event).ShouldBe(["order.placed", "order.status-changed"]);
        received[1].Data.GetProperty("status").GetString().ShouldBe("paid");
    }

    [Fact]
    public async Task The_admin_counter_counts_orders_live()
    {
        var admin = await api.SignInAdminAsync(client);
        var (_, buyer) = await client.SignUpAsync();
        var product = await api.ProductAsync(stock: 10);

        using var stream = new HttpClient { BaseAddress = client.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/admin/orders/live", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.AccessToken);
        using var response = await stream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        async Task<JsonElement> NextAsync()
        {
            while (true)
            {
                var line = await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException();
                if (line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains("ordersToday", StringComparison.Ordinal))
                {
                    return JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone();
                }
            }
        }

        var start = (await NextAsync()).GetProperty("ordersToday").GetInt64();
        var orderId = await PlaceAsync(buyer.AccessToken, product);
        JsonElement next;
        do
        {
            next = await NextAsync();
        }
        while (next.GetProperty("lastOrderId").ValueKind != JsonValueKind.Number || next.GetProperty("lastOrderId").GetInt64() != orderId);

        next.GetProperty("ordersToday").GetInt64().ShouldBeGreaterThan(start);
    }

    [Fact]
    public async Task A_sales_report_is_built_in_the_background_and_served_as_csv()
    {
        var admin = await api.SignInAdminAsync(client);
        var (_, buyer) = await client.SignUpAsync();
        await PlaceAsync(buyer.AccessToken, await api.ProductAsync(stock: 5, priceCents: 1_000));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var requested = await client.SendAsync(HttpMethod.Post, "/api/v1/admin/reports/sales", admin.AccessToken, new { from = today, to = today });
        requested.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var location = requested.Headers.Location!.ToString();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpResponseMessage report;
        do
        {
            await Task.Delay(200);
            report = await client.GetAsync(location, admin.AccessToken);
        }
        while (report.StatusCode == HttpStatusCode.Accepted && DateTime.UtcNow < deadline);

        report.StatusCode.ShouldBe(HttpStatusCode.OK);
        report.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe("text/csv");
        var csv = await report.Content.ReadAsStringAsync();
        csv.ShouldStartWith("day,currency,orders,items,revenue_cents\n");
        csv.ShouldContain($"{today},USD,");

        var (_, customer) = await client.SignUpAsync();
        await (await client.GetAsync(location, customer.AccessToken)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await client.SendAsync(HttpMethod.Post, "/api/v1/admin/reports/sales", admin.AccessToken, new { from = today, to = "2000-01-01" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_jobs_dashboard_is_for_admins_only()
    {
        var admin = await api.SignInAdminAsync(client);
        var (_, customer) = await client.SignUpAsync();

        var asAdmin = await client.GetAsync("/admin/jobs", admin.AccessToken);
        asAdmin.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await asAdmin.Content.ReadAsStringAsync()).ShouldContain("Vitrine jobs");

        (await client.GetAsync("/admin/jobs", customer.AccessToken)).StatusCode.ShouldBeOneOf(HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden);
        (await client.GetAsync(new Uri("/admin/jobs", UriKind.Relative))).StatusCode.ShouldBeOneOf(HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden);
    }
}
