using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Vitrine.Api.Accounts;
using Vitrine.Data;
using Vitrine.Data.Model;

namespace Vitrine.Api.Events;

public sealed record LiveCounter(long OrdersToday, long? LastOrderId);

/// <summary>The first event of every stream (so a client knows it is connected) and the keep-alive when all is quiet.</summary>
public sealed record StreamStatus(string Status, DateTimeOffset At);

/// <summary>Server-sent events fed from the Redis relay: an owner's order-status changes and the admin live counter.</summary>
public static class LiveApi
{
    public static IEndpointRouteBuilder MapLiveApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/users/me/orders/events", MyOrderEvents)
            .WithTags("Orders")
            .WithName("MyOrderEvents")
            .WithSummary("Live status of the caller's orders (text/event-stream; events order.placed and order.status-changed)")
            .WithDescription("A server-sent event stream that stays open: `ready` at once, then `order.placed` and `order.status-changed` "
                + "(the order's id, status, total and time; the event's id) for the caller's own orders, and `heartbeat` every 15 s so "
                + "proxies keep it open. Missed events are not replayed: after a reconnect, read the order list again.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .RequireAuthorization(Policies.Customer)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        routes.MapGet("/admin/orders/live", LiveCounterEvents)
            .WithTags("Orders (admin)")
            .WithName("LiveOrderCounter")
            .WithSummary("Live count of today's orders (text/event-stream; event counter)")
            .WithDescription("A server-sent event stream that stays open: a `counter` event with today's (UTC) order count at once and "
                + "after every order placed through any replica, and `heartbeat` every 15 s so proxies keep it open.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .RequireAuthorization(Policies.Admin)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        return routes;
    }

    /// <summary>Keep-alive interval: well under the idle timeouts of nginx and most proxies (60 s).</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    public static IResult MyOrderEvents(ClaimsPrincipal principal, EventHub hub, TimeProvider clock, HttpContext http)
    {
        var userId = principal.UserId();
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Accel-Buffering"] = "no"; // nginx: pass events through as they come
        return TypedResults.ServerSentEvents(OwnerEvents(hub, userId, clock, http.RequestAborted));
    }

    public static IResult LiveCounterEvents(EventHub hub, IServiceScopeFactory scopes, TimeProvider clock, HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        return TypedResults.ServerSentEvents(Counter(hub, scopes, clock, http.RequestAborted));
    }

    private static async IAsyncEnumerable<SseItem<object>> OwnerEvents(EventHub hub, long userId, TimeProvider clock, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var listening = hub.ListenAsync(Heartbeat, cancellationToken);
        yield return new SseItem<object>(new StreamStatus("connected", clock.GetUtcNow()), "ready");
        var seen = new RecentIds();
        await foreach (var relayed in listening)
        {
            if (relayed is null)
            {
                yield return new SseItem<object>(new StreamStatus("alive", clock.GetUtcNow()), "heartbeat");
                continue;
            }

            if (relayed.Type is not (EventTypes.OrderPlaced or EventTypes.OrderStatusChanged))
            {
                continue;
            }

            var order = JsonSerializer.Deserialize<OrderEvent>(relayed.Payload, JsonSerializerOptions.Web);
            if (order?.UserId == userId && seen.Add(relayed.Id)) // delivery is at least once: skip a repeat
            {
                yield return new SseItem<object>(order, relayed.Type) { EventId = relayed.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            }
        }
    }

    private static async IAsyncEnumerable<SseItem<object>> Counter(EventHub hub, IServiceScopeFactory scopes, TimeProvider clock, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Listen before counting, so an order placed in between is not missed.
        await using var listening = hub.ListenAsync(Heartbeat, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var started = listening.MoveNextAsync();
        long today;
        using (var scope = scopes.CreateScope())
        {
            var midnight = new DateTimeOffset(clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
            today = await scope.ServiceProvider.GetRequiredService<VitrineDbContext>().Orders.LongCountAsync(o => o.CreatedAt >= midnight, cancellationToken);
        }

        yield return new SseItem<object>(new LiveCounter(today, null), "counter");
        var seen = new RecentIds();
        while (await started)
        {
            var relayed = listening.Current;
            started = listening.MoveNextAsync();
            if (relayed is null)
            {
                yield return new SseItem<object>(new StreamStatus("alive", clock.GetUtcNow()), "heartbeat");
            }
            else if (relayed.Type == EventTypes.OrderPlaced && seen.Add(relayed.Id))
            {
                var order = JsonSerializer.Deserialize<OrderEvent>(relayed.Payload, JsonSerializerOptions.Web);
                yield return new SseItem<object>(new LiveCounter(++today, order?.OrderId), "counter");
            }
        }
    }
}

/// <summary>The ids of the last few thousand events seen: enough to drop at-least-once repeats, bounded in memory.</summary>
internal sealed class RecentIds
{
    private const int Capacity = 4096;
    private readonly HashSet<long> ids = [];
    private readonly Queue<long> order = new();

    public bool Add(long id)
    {
        if (!ids.Add(id))
        {
            return false;
        }

        order.Enqueue(id);
        if (order.Count > Capacity)
        {
            ids.Remove(order.Dequeue());
        }

        return true;
    }
}
