using System.Net;
using Microsoft.EntityFrameworkCore;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Integration.Orders;

public sealed class PlaceOrderTests(CatalogApiFactory api) : IClassFixture<CatalogApiFactory>
{
    private readonly HttpClient client = api.CreateClient();

    [Fact]
    public async Task An_order_snapshots_prices_decrements_stock_and_writes_an_outbox_event()
    {
        var (_, buyer) = await client.SignUpAsync("buyer");
        var lamp = await api.ProductAsync(stock: 10, priceCents: 2_500);
        var mug = await api.ProductAsync(stock: 3, priceCents: 800);

        var response = await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((lamp, 2), (mug, 3)));

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var order = await response.JsonAsync();
        order.GetProperty("status").GetString().ShouldBe("pending");
        order.GetProperty("totalCents").GetInt64().ShouldBe((2 * 2_500) + (3 * 800));
        order.GetProperty("currency").GetString().ShouldBe("USD");
        order.GetProperty("items").GetArrayLength().ShouldBe(2);
        order.GetProperty("items")[0].GetProperty("unitPriceCents").GetInt64().ShouldBe(2_500);
        response.Headers.Location!.ToString().ShouldBe($"/api/v1/orders/{order.GetProperty("id").GetInt64()}");

        (await api.QueryAsync(db => db.Products.Where(p => p.Id == lamp).Select(p => p.Stock).SingleAsync())).ShouldBe(8);
        (await api.QueryAsync(db => db.Products.Where(p => p.Id == mug).Select(p => p.Stock).SingleAsync())).ShouldBe(0);
        var orderId = order.GetProperty("id").GetInt64();
        var events = await api.QueryAsync(db => db.OutboxMessages.Where(m => m.Type == "order.placed").Select(m => m.Payload).ToListAsync());
        events.Count(payload => System.Text.Json.JsonDocument.Parse(payload).RootElement.GetProperty("orderId").GetInt64() == orderId).ShouldBe(1);
    }

    [Fact]
    public async Task Without_an_idempotency_key_it_is_a_400_and_nothing_is_written()
    {
        var (_, buyer) = await client.SignUpAsync();
        var product = await api.ProductAsync(stock: 5);

        await (await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((product, 1)), key: null)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((product, 1)), key: "has spaces in it")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        (await api.QueryAsync(db => db.Products.Where(p => p.Id == product).Select(p => p.Stock).SingleAsync())).ShouldBe(5);
    }

    [Fact]
    public async Task The_same_key_and_body_replays_the_first_response_without_a_second_order()
    {
        var (_, buyer) = await client.SignUpAsync();
        var product = await api.ProductAsync(stock: 5);
        var key = Guid.NewGuid().ToString();

        var first = await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((product, 1)), key);
        var second = await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((product, 1)), key);

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        second.StatusCode.ShouldBe(HttpStatusCode.Created);
        second.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        (await second.JsonAsync()).GetProperty("id").GetInt64().ShouldBe((await first.JsonAsync()).GetProperty("id").GetInt64());
        (await api.QueryAsync(db => db.Products.Where(p => p.Id == product).Select(p => p.Stock).SingleAsync())).ShouldBe(4);
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_422()
    {
        var (_, buyer) = await client.SignUpAsync();
        var product = await api.ProductAsync(stock: 5);
        var key = Guid.NewGuid().ToString();

        (await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((product, 1)), key)).StatusCode.ShouldBe(HttpStatusCode.Created);
        await (await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((product, 2)), key)).ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Keys_are_scoped_to_the_user()
    {
        var (_, alice) = await client.SignUpAsync("alice");
        var (_, bob) = await client.SignUpAsync("bob");
        var product = await api.ProductAsync(stock: 5);
        var key = Guid.NewGuid().ToString();

        var hers = await client.PlaceAsync(alice.AccessToken, OrderTestKit.Lines((product, 1)), key);
        var his = await client.PlaceAsync(bob.AccessToken, OrderTestKit.Lines((product, 1)), key);

        hers.StatusCode.ShouldBe(HttpStatusCode.Created);
        his.StatusCode.ShouldBe(HttpStatusCode.Created);
        his.Headers.Contains("Idempotent-Replayed").ShouldBeFalse();
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_create_exactly_one_order()
    {
        var (_, buyer) = await client.SignUpAsync();
        var product = await api.ProductAsync(stock: 100);
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((product, 1)), key)));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created || r.StatusCode == HttpStatusCode.Conflict);
        responses.Count(r => r.StatusCode == HttpStatusCode.Created && !r.Headers.Contains("Idempotent-Replayed")).ShouldBe(1);
        (await api.QueryAsync(db => db.Products.Where(p => p.Id == product).Select(p => p.Stock).SingleAsync())).ShouldBe(99);
    }

    [Fact]
    public async Task A_retry_while_the_first_is_in_flight_is_409()
    {
        var (_, buyer) = await client.SignUpAsync();
        var product = await api.ProductAsync(stock: 5);
        var key = Guid.NewGuid().ToString();
        var userId = (await (await client.GetAsync("/api/v1/users/me", buyer.AccessToken)).JsonAsync()).GetProperty("id").GetInt64();

        // The first request has claimed the key and not finished (what another replica would be doing right now).
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
            new Vitrine.Api.Orders.PlaceOrderRequest([new Vitrine.Api.Orders.OrderLine(product, 1)]), System.Text.Json.JsonSerializerOptions.Web);
        await api.QueryAsync(db => db.Database.ExecuteSqlAsync($"""
            INSERT INTO idempotency_keys (user_id, key, request_hash, created_at, expires_at)
            VALUES ({userId}, {key}, {System.Security.Cryptography.SHA256.HashData(body)}, now(), now() + interval '1 day')
            """));

        await (await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((product, 1)), key)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        (await api.QueryAsync(db => db.Products.Where(p => p.Id == product).Select(p => p.Stock).SingleAsync())).ShouldBe(5);
    }

    [Fact]
    public async Task Short_stock_is_409_and_leaves_stock_and_the_key_untouched()
    {
        var (_, buyer) = await client.SignUpAsync();
        var plenty = await api.ProductAsync(stock: 10);
        var scarce = await api.ProductAsync(stock: 1);
        var key = Guid.NewGuid().ToString();

        var response = await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((plenty, 1), (scarce, 2)), key);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        problem.GetProperty("productIds")[0].GetInt64().ShouldBe(scarce);
        (await api.QueryAsync(db => db.Products.Where(p => p.Id == plenty).Select(p => p.Stock).SingleAsync())).ShouldBe(10);

        // Restocked: the same checkout (same key) goes through.
        await api.QueryAsync(db => db.Database.ExecuteSqlAsync($"UPDATE products SET stock = 5 WHERE id = {scarce}"));
        (await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((plenty, 1), (scarce, 2)), key)).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("""{"items":[]}""", "items")]
    [InlineData("""{"items":[{"productId":1,"quantity":0}]}""", "items[0].quantity")]
    [InlineData("""{"items":[{"productId":-4,"quantity":1}]}""", "items[0].productId")]
    [InlineData("""{"items":[{"productId":1,"quantity":1,"unitPriceCents":1}]}""", null)]
    [InlineData("""{"items":[{"productId":1,"quantity":1}],"userId":1}""", null)]
    [InlineData("""{"items":[{"productId":1,"quantity":1}],"totalCents":0}""", null)]
    [InlineData("""{"items":[{"productId":1,"quantity":1},{"productId":1,"quantity":2}]}""", "items")]
    [InlineData("""{"items":[{"productId":999999999,"quantity":1}]}""", "items")]
    public async Task Hostile_or_invalid_bodies_are_400_and_write_nothing(string body, string? field)
    {
        var (_, buyer) = await client.SignUpAsync();
        var before = await api.QueryAsync(db => db.Orders.CountAsync());
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/orders", UriKind.Relative))
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", buyer.AccessToken);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

        var response = await client.SendAsync(request);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        if (field is not null)
        {
            problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
        }

        (await api.QueryAsync(db => db.Orders.CountAsync())).ShouldBe(before);
    }

    [Fact]
    public async Task Five_hundred_buyers_racing_for_fifty_units_make_exactly_fifty_orders()
    {
        var buyers = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => client.SignUpAsync($"racer{i}")));
        var product = await api.ProductAsync(stock: 50);

        var responses = await Task.WhenAll(Enumerable.Range(0, 500).Select(i =>
            client.PlaceAsync(buyers[i % buyers.Length].Tokens.AccessToken, OrderTestKit.Lines((product, 1)))));

        responses.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(50);
        responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(450);
        (await api.QueryAsync(db => db.Products.Where(p => p.Id == product).Select(p => p.Stock).SingleAsync())).ShouldBe(0);
        (await api.QueryAsync(db => db.OrderItems.CountAsync(i => i.ProductId == product))).ShouldBe(50);
    }
}
