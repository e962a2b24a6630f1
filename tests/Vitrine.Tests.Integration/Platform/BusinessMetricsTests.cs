using System.Net;
using Vitrine.Tests.Integration.Infrastructure;
using Vitrine.Tests.Integration.Orders;

namespace Vitrine.Tests.Integration.Platform;

/// <summary>
/// Orders and revenue on /metrics: counted once, after the commit, by currency. Each test places its orders in a
/// currency of its own (codes no real catalog uses), so no other test's orders move its series; "nothing counted" is
/// read after a later order of another currency has shown up, so the scrape is known to be fresh.
/// </summary>
public sealed class BusinessMetricsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private const string Placed = "vitrine_orders_placed_total";
    private const string Revenue = "vitrine_orders_revenue_total";

    private readonly HttpClient client = api.CreateClient();

    [Fact]
    public async Task A_placed_order_counts_once_with_its_currency_and_total()
    {
        var (_, buyer) = await client.SignUpAsync("buyer");
        var lamp = await api.ProductAsync(stock: 5, priceCents: 1_250, currency: "XTA");
        var before = await client.ScrapeAsync();
        var placedBefore = MetricsScrape.Value(before, Placed, ("currency", "XTA")) ?? 0;
        var revenueBefore = MetricsScrape.Value(before, Revenue, ("currency", "XTA")) ?? 0;

        var response = await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((lamp, 2)));

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var after = await client.ScrapeUntilAsync(
            scrape => MetricsScrape.Value(scrape, Placed, ("currency", "XTA")) > placedBefore,
            "the order is counted");
        MetricsScrape.Value(after, Placed, ("currency", "XTA")).ShouldBe(placedBefore + 1);
        MetricsScrape.Value(after, Revenue, ("currency", "XTA")).ShouldBe(revenueBefore + 2_500);
        after.ShouldContain("# TYPE vitrine_orders_placed_total counter");
    }

    [Fact]
    public async Task An_idempotent_replay_counts_nothing()
    {
        var (_, buyer) = await client.SignUpAsync("buyer");
        var mug = await api.ProductAsync(stock: 5, priceCents: 800, currency: "XTB");
        var key = Guid.NewGuid().ToString();

        (await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((mug, 1)), key)).StatusCode.ShouldBe(HttpStatusCode.Created);
        await client.ScrapeUntilAsync(scrape => MetricsScrape.Value(scrape, Placed, ("currency", "XTB")) == 1, "the first order is counted");
        var replay = await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((mug, 1)), key);
        replay.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);

        var after = await LaterOrderSeenAsync(buyer.AccessToken, "XTC");
        MetricsScrape.Value(after, Placed, ("currency", "XTB")).ShouldBe(1);
        MetricsScrape.Value(after, Revenue, ("currency", "XTB")).ShouldBe(800);
    }

    [Fact]
    public async Task A_refused_order_counts_nothing()
    {
        var (_, buyer) = await client.SignUpAsync("buyer");
        var scarce = await api.ProductAsync(stock: 1, priceCents: 990, currency: "XTD");

        await (await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((scarce, 2)))).ShouldBeProblemAsync(HttpStatusCode.Conflict);

        var after = await LaterOrderSeenAsync(buyer.AccessToken, "XTE");
        MetricsScrape.Value(after, Placed, ("currency", "XTD")).ShouldBeNull();
        MetricsScrape.Value(after, Revenue, ("currency", "XTD")).ShouldBeNull();
    }

    /// <summary>Places an order in another currency and waits for it: a scrape that shows it is later than everything before.</summary>
    private async Task<string> LaterOrderSeenAsync(string accessToken, string currency)
    {
        var product = await api.ProductAsync(stock: 1, priceCents: 100, currency: currency);
        (await client.PlaceAsync(accessToken, OrderTestKit.Lines((product, 1)))).StatusCode.ShouldBe(HttpStatusCode.Created);
        return await client.ScrapeUntilAsync(scrape => MetricsScrape.Value(scrape, Placed, ("currency", currency)) == 1, $"the later {currency} order is counted");
    }
}

/// <summary>
/// Active users, counted in Redis so that every replica reports the cluster's figure: two users signing in on two
/// replicas (two hosts in this process, each reporting only its own meters) make both report two more.
/// </summary>
public sealed class ActiveUsersMetricsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private const string Active = "vitrine_active_users";

    [Fact]
    public async Task Two_users_signing_in_on_two_replicas_raise_active_users_by_two_on_both()
    {
        var first = api.CreateClient();
        await using var replica = api.Replica();
        var second = replica.CreateClient();
        var ada = Infrastructure.Accounts.UniqueEmail("ada");
        var bob = Infrastructure.Accounts.UniqueEmail("bob");
        await first.RegisterAsync(ada);
        await first.RegisterAsync(bob);
        // The baseline from the host that is then asked: its first count, before anyone signed in.
        var before = await first.ScrapeUntilAsync(scrape => MetricsScrape.Value(scrape, Active, ("window", "5m")) is not null, "the first count of active users", Active);
        var fiveMinutesBefore = MetricsScrape.Value(before, Active, ("window", "5m"))!.Value;
        var dayBefore = MetricsScrape.Value(before, Active, ("window", "24h"))!.Value;

        await first.LoginAsync(ada);
        await second.LoginAsync(bob);

        foreach (var host in new[] { first, second })
        {
            var after = await host.ScrapeUntilAsync(
                scrape => MetricsScrape.Value(scrape, Active, ("window", "5m")) >= fiveMinutesBefore + 2 && MetricsScrape.Value(scrape, Active, ("window", "24h")) >= dayBefore + 2,
                "both sign-ins are counted",
                Active);
            MetricsScrape.Value(after, Active, ("window", "5m")).ShouldBe(fiveMinutesBefore + 2);
            MetricsScrape.Value(after, Active, ("window", "24h")).ShouldBe(dayBefore + 2);
            after.ShouldContain("# TYPE vitrine_active_users gauge");
        }
    }
}
