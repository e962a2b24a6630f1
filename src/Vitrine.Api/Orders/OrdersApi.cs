using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Vitrine.Api.Accounts;
using Vitrine.Api.Json;
using Vitrine.Api.Replication;
using Vitrine.Data.Model;
using Vitrine.ServiceDefaults;

namespace Vitrine.Api.Orders;

public static class OrdersApi
{
    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder routes)
    {
        var orders = routes.MapGroup("").WithTags("Orders").RequireAuthorization(Policies.Customer)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        orders.MapPost("/orders", PlaceOrder)
            .WithName("PlaceOrder")
            .WithSummary("Place an order")
            .WithDescription(
                "Requires an Idempotency-Key header (IETF httpapi draft, keys scoped to the user, kept 24 h): the same key " +
                "with the same body replays the first response (header Idempotent-Replayed: true); with another body → 422; " +
                "while the first request is still in flight → 409. 409 also when stock is short (the key is then released).")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        orders.MapGet("/users/me/orders", MyOrders)
            .WithName("ListMyOrders")
            .WithSummary("The caller's orders, newest first, with their items")
            .WithDescription("Keyset paging: pass nextCursor from the previous page as cursor; it is absent on the last page.")
            .ProducesValidationProblem();

        orders.MapGet("/orders/{id}", GetOrder)
            .WithName("GetOrder")
            .WithSummary("One order (its owner or an admin; 404 for anyone else)")
            .WithDescription("The order with its items, total and status; read from the replica only once it holds the caller's own writes, so a just-placed order is found.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        orders.MapPost("/orders/{id}/cancel", CancelOrder)
            .WithName("CancelOrder")
            .WithSummary("Cancel a pending or paid order and put its items back in stock")
            .WithDescription("While it is pending or paid; once shipped, delivered or cancelled → 409. The stock returns in the same transaction, and the live stream gets order.status-changed.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        var admin = routes.MapGroup("/admin/orders").WithTags("Orders (admin)").RequireAuthorization(Policies.Admin)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        admin.MapGet("", AllOrders)
            .WithName("ListAllOrders")
            .WithSummary("Every order, newest first, filterable by status and user")
            .WithDescription("Keyset paging like the caller's own list (cursor, nextCursor); status is one of the order statuses.")
            .ProducesValidationProblem();

        admin.MapPost("/{id}/status", ChangeStatus)
            .WithName("ChangeOrderStatus")
            .WithSummary("Move an order along pending → paid → shipped → delivered, or cancel it")
            .WithDescription("A move that skips or goes back a step → 409; the owner's live stream gets order.status-changed.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return routes;
    }

    public static async Task<Results<Created<OrderResponse>, ContentHttpResult, ValidationProblem, ProblemHttpResult>> PlaceOrder(
        PlaceOrderRequest request,
        [FromHeader(Name = IdempotencyKeys.Header)][Description("A unique key per checkout attempt (1–255 visible ASCII characters).")] string? idempotencyKey,
        HttpContext http,
        ClaimsPrincipal principal,
        IdempotencyKeys keys,
        OrderPlacement placement,
        OrderMetrics metrics,
        CancellationToken cancellationToken)
    {
        if (idempotencyKey is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The Idempotency-Key header is required.");
        }

        if (!IdempotencyKeys.IsWellFormed(idempotencyKey))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The Idempotency-Key header must be 1 to 255 visible ASCII characters.");
        }

        if (request.Items.GroupBy(i => i.ProductId).Any(g => g.Count() > 1))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["items"] = ["Each product may appear once; set its quantity instead."] });
        }

        var userId = principal.UserId();
        var requestHash = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, Json.ApiJson.Default.PlaceOrderRequest));
        switch (await keys.ClaimAsync(userId, idempotencyKey, requestHash, cancellationToken))
        {
            case IdempotencyKeys.Replay replay:
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return TypedResults.Text(replay.Body, replay.Status >= 400 ? "application/problem+json" : "application/json", statusCode: replay.Status);
            case IdempotencyKeys.DifferentRequest:
                return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "This Idempotency-Key was used with a different request body.");
            case IdempotencyKeys.InFlight:
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A request with this Idempotency-Key is still being processed; retry later.");
        }

        OrderPlacement.Result result;
        try
        {
            result = await placement.PlaceAsync(userId, idempotencyKey, request, cancellationToken);
        }
        catch
        {
            await keys.ReleaseAsync(userId, idempotencyKey, CancellationToken.None);
            throw;
        }

        if (result is OrderPlacement.Placed placed)
        {
            // Placed means committed (the WAL position is read after COMMIT); a replay returned above, uncounted.
            metrics.Placed(placed.Order);
            ReadYourWrites.Remember(http, placed.WrittenAt);
            return TypedResults.Created($"/api/v1/orders/{placed.Order.Id}", placed.Order);
        }

        // Nothing was written: give the key back so the same checkout can be retried (after a restock, say).
        await keys.ReleaseAsync(userId, idempotencyKey, cancellationToken);
        return result switch
        {
            OrderPlacement.OutOfStock short_ => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Not enough stock.",
                extensions: new Dictionary<string, object?> { ["productIds"] = short_.ProductIds }),
            OrderPlacement.UnknownProducts unknown => TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["items"] = [$"No such product: {string.Join(", ", unknown.ProductIds)}."] }),
            _ => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["items"] = ["All products of one order must share a currency."] }),
        };
    }

    public static async Task<Results<JsonBytes<OrderPage>, ValidationProblem>> MyOrders(
        ClaimsPrincipal principal, OrderQueries queries, CancellationToken cancellationToken,
        [Range(1, 100)] int pageSize = 20, [StringLength(64)] string? cursor = null)
    {
        if (!TryCursor(cursor, out var after, out var invalid))
        {
            return invalid!;
        }

        // The source-generated serializer's fast path (the HTTP options' resolver chain takes the slower metadata path).
        var page = await queries.MinePageAsync(principal.UserId(), after, pageSize, cancellationToken);
        return new JsonBytes<OrderPage>(JsonSerializer.SerializeToUtf8Bytes(page, Json.ApiJson.Default.OrderPage));
    }

    public static async Task<Results<Ok<OrderPage>, ValidationProblem>> AllOrders(
        ClaimsPrincipal principal, OrderQueries queries, CancellationToken cancellationToken,
        [OneOf(null, OrderStatus.Pending, OrderStatus.Paid, OrderStatus.Shipped, OrderStatus.Delivered, OrderStatus.Cancelled)] string? status = null,
        [Range(1, long.MaxValue)] long? userId = null,
        [Range(1, 100)] int pageSize = 20,
        [StringLength(64)] string? cursor = null)
    {
        if (!TryCursor(cursor, out var after, out var invalid))
        {
            return invalid!;
        }

        return TypedResults.Ok(await queries.PageAsync(
            principal.UserId(),
            o => (status == null || o.Status == status) && (userId == null || o.UserId == userId), after, pageSize, cancellationToken));
    }

    public static async Task<Results<Ok<OrderResponse>, NotFound>> GetOrder(long id, ClaimsPrincipal principal, OrderQueries queries, CancellationToken cancellationToken)
    {
        var order = await queries.ReadAsync(principal.UserId(), id, cancellationToken);
        return IsVisible(order, principal) ? TypedResults.Ok(OrderResponse.From(order)) : TypedResults.NotFound();
    }

    public static async Task<Results<Ok<OrderResponse>, NotFound, ProblemHttpResult>> CancelOrder(
        long id, ClaimsPrincipal principal, OrderQueries queries, OrderStatusChanges changes, CancellationToken cancellationToken)
    {
        var order = await queries.FindAsync(id, cancellationToken);
        if (!IsVisible(order, principal))
        {
            return TypedResults.NotFound();
        }

        var cancelled = await changes.MoveAsync(order, OrderStatus.Cancelled, cancellationToken);
        return cancelled is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"The order can no longer be cancelled (it is {order.Status}).")
            : TypedResults.Ok(OrderResponse.From(cancelled));
    }

    public static async Task<Results<Ok<OrderResponse>, NotFound, ProblemHttpResult>> ChangeStatus(
        long id, ChangeStatusRequest request, OrderQueries queries, OrderStatusChanges changes, CancellationToken cancellationToken)
    {
        var order = await queries.FindAsync(id, cancellationToken);
        if (order is null)
        {
            return TypedResults.NotFound();
        }

        var moved = await changes.MoveAsync(order, request.Status, cancellationToken);
        return moved is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"An order that is {order.Status} cannot become {request.Status}.")
            : TypedResults.Ok(OrderResponse.From(moved));
    }

    /// <summary>Whether the caller owns the order or is an admin; others get the same 404 as for no order.</summary>
    private static bool IsVisible([NotNullWhen(true)] Order? order, ClaimsPrincipal principal) =>
        order is not null && (order.UserId == principal.UserId() || principal.IsInRole(Roles.Admin));

    private static bool TryCursor(string? text, out OrderCursor? cursor, out ValidationProblem? invalid)
    {
        cursor = null;
        invalid = null;
        if (text is null)
        {
            return true;
        }

        if (OrderCursor.TryDecode(text, out var decoded))
        {
            cursor = decoded;
            return true;
        }

        invalid = TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["cursor"] = ["The cursor is not one this API issued."] });
        return false;
    }
}
