using System.Net;
using Microsoft.EntityFrameworkCore;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Integration.Orders;

public sealed class OrderLifecycleTests(CatalogApiFactory api) : IClassFixture<CatalogApiFactory>
{
    private readonly HttpClient client = api.CreateClient();

    private async Task<long> PlaceAsync(string accessToken, long product, int quantity = 1)
    {
        var response = await client.PlaceAsync(accessToken, OrderTestKit.Lines((product, quantity)));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("id").GetInt64();
    }

    private Task<HttpResponseMessage> MoveAsync(string accessToken, long orderId, string status) =>
        client.SendAsync(HttpMethod.Post, $"/api/v1/admin/orders/{orderId}/status", accessToken, new { status });

    [Fact]
    public async Task Cancelling_restocks_and_a_second_cancel_is_409()
    {
        var (_, buyer) = await client.SignUpAsync();
        var product = await api.ProductAsync(stock: 4);
        var orderId = await PlaceAsync(buyer.AccessToken, product, quantity: 3);

        var cancel = await client.SendAsync(HttpMethod.Post, $"/api/v1/orders/{orderId}/cancel", buyer.AccessToken);
        cancel.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await cancel.JsonAsync()).GetProperty("status").GetString().ShouldBe("cancelled");
        (await api.QueryAsync(db => db.Products.Where(p => p.Id == product).Select(p => p.Stock).SingleAsync())).ShouldBe(4);

        await (await client.SendAsync(HttpMethod.Post, $"/api/v1/orders/{orderId}/cancel", buyer.AccessToken)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        (await api.QueryAsync(db => db.Products.Where(p => p.Id == product).Select(p => p.Stock).SingleAsync())).ShouldBe(4);
    }

    [Fact]
    public async Task Concurrent_cancels_restock_once()
    {
        var (_, buyer) = await client.SignUpAsync();
        var product = await api.ProductAsync(stock: 2);
        var orderId = await PlaceAsync(buyer.AccessToken, product, quantity: 2);

        var cancels = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => client.SendAsync(HttpMethod.Post, $"/api/v1/orders/{orderId}/cancel", buyer.AccessToken)));

        cancels.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        (await api.QueryAsync(db => db.Products.Where(p => p.Id == product).Select(p => p.Stock).SingleAsync())).ShouldBe(2);
    }

    [Fact]
    public async Task An_admin_moves_an_order_through_its_lifecycle_and_every_move_is_an_event()
    {
        var (_, buyer) = await client.SignUpAsync();
        var admin = await api.SignInAdminAsync(client);
        var orderId = await PlaceAsync(buyer.AccessToken, await api.ProductAsync(stock: 5));

        await (await MoveAsync(admin.AccessToken, orderId, "delivered")).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        foreach (var status in new[] { "paid", "shipped", "delivered" })
        {
            var moved = await MoveAsync(admin.AccessToken, orderId, status);
            moved.StatusCode.ShouldBe(HttpStatusCode.OK, await moved.Content.ReadAsStringAsync());
            (await moved.JsonAsync()).GetProperty("status").GetString().ShouldBe(status);
        }

        await (await client.SendAsync(HttpMethod.Post, $"/api/v1/orders/{orderId}/cancel", buyer.AccessToken)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await MoveAsync(admin.AccessToken, orderId, "teleported")).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var events = await api.QueryAsync(db => db.OutboxMessages.Where(m => m.Type == "order.status-changed").Select(m => m.Payload).ToListAsync());
        events.Count(payload => System.Text.Json.JsonDocument.Parse(payload).RootElement.GetProperty("orderId").GetInt64() == orderId).ShouldBe(3);
    }

    [Fact]
    public async Task My_orders_are_newest_first_in_keyset_pages_with_their_items()
    {
        var (_, buyer) = await client.SignUpAsync();
        var product = await api.ProductAsync(stock: 50);
        var placed = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            placed.Add(await PlaceAsync(buyer.AccessToken, product));
        }

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var url = "/api/v1/users/me/orders?pageSize=2" + (cursor is null ? "" : $"&cursor={cursor}");
            var page = await (await client.GetAsync(url, buyer.AccessToken)).JsonAsync();
            foreach (var order in page.GetProperty("items").EnumerateArray())
            {
                seen.Add(order.GetProperty("id").GetInt64());
                order.GetProperty("items").GetArrayLength().ShouldBe(1);
            }

            cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == System.Text.Json.JsonValueKind.String ? next.GetString() : null;
            pages++;
        }
        while (cursor is not null && pages < 10);

        pages.ShouldBe(3);
        seen.ShouldBe(Enumerable.Reverse(placed).ToList());
    }

    [Theory]
    [InlineData("cursor=not-a-cursor")]
    [InlineData("cursor=MTIzNDU2Nzg5OTk5OTk5OTk5OTk5OTk5OS4x")]
    [InlineData("pageSize=0")]
    [InlineData("pageSize=101")]
    public async Task Bad_paging_is_400(string query)
    {
        var (_, buyer) = await client.SignUpAsync();
        await (await client.GetAsync($"/api/v1/users/me/orders?{query}", buyer.AccessToken)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task API1_other_users_orders_are_404_to_read_cancel_and_absent_from_their_list()
    {
        var (_, alice) = await client.SignUpAsync("alice");
        var (_, bob) = await client.SignUpAsync("bob");
        var product = await api.ProductAsync(stock: 5);
        var alicesOrder = await PlaceAsync(alice.AccessToken, product);

        await (await client.GetAsync($"/api/v1/orders/{alicesOrder}", bob.AccessToken)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await client.SendAsync(HttpMethod.Post, $"/api/v1/orders/{alicesOrder}/cancel", bob.AccessToken)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        var bobsList = await (await client.GetAsync("/api/v1/users/me/orders", bob.AccessToken)).JsonAsync();
        bobsList.GetProperty("items").GetArrayLength().ShouldBe(0);
        await (await client.GetAsync("/api/v1/admin/orders", bob.AccessToken)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await MoveAsync(bob.AccessToken, alicesOrder, "cancelled")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);

        (await (await client.GetAsync($"/api/v1/orders/{alicesOrder}", alice.AccessToken)).JsonAsync()).GetProperty("status").GetString().ShouldBe("pending");
        var admin = await api.SignInAdminAsync(client);
        (await client.GetAsync($"/api/v1/orders/{alicesOrder}", admin.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await client.GetAsync($"/api/v1/orders/{alicesOrder}", null!)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Admins_list_every_order_filtered_by_status_and_user()
    {
        var (_, buyer) = await client.SignUpAsync();
        var admin = await api.SignInAdminAsync(client);
        var product = await api.ProductAsync(stock: 10);
        var first = await PlaceAsync(buyer.AccessToken, product);
        await PlaceAsync(buyer.AccessToken, product);
        (await MoveAsync(admin.AccessToken, first, "paid")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var buyerId = (await (await client.GetAsync("/api/v1/users/me", buyer.AccessToken)).JsonAsync()).GetProperty("id").GetInt64();

        var paid = await (await client.GetAsync($"/api/v1/admin/orders?status=paid&userId={buyerId}", admin.AccessToken)).JsonAsync();
        paid.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetInt64()).ShouldBe([first]);
        var all = await (await client.GetAsync($"/api/v1/admin/orders?userId={buyerId}", admin.AccessToken)).JsonAsync();
        all.GetProperty("items").GetArrayLength().ShouldBe(2);
        await (await client.GetAsync("/api/v1/admin/orders?status=lost", admin.AccessToken)).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }
}
