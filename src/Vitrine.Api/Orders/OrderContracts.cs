using System.ComponentModel.DataAnnotations;
using Vitrine.Data.Model;
using Vitrine.ServiceDefaults;

namespace Vitrine.Api.Orders;

public sealed record PlaceOrderRequest(
    [property: Required, MinLength(1), MaxLength(PlaceOrderRequest.MaxItems)] IReadOnlyList<OrderLine> Items)
{
    public const int MaxItems = 50;
}

/// <summary>One line of an order: only what the buyer chooses. Price and name are the server's (snapshotted).</summary>
public sealed record OrderLine(
    [property: Range(1, long.MaxValue)] long ProductId,
    [property: Range(1, 1000)] int Quantity);

public sealed record OrderItemResponse(long ProductId, string Name, int Quantity, long UnitPriceCents);

public sealed record OrderResponse(long Id, string Status, long TotalCents, string Currency, DateTimeOffset CreatedAt, IReadOnlyList<OrderItemResponse> Items)
{
    public static OrderResponse From(Order order) => new(
        order.Id,
        order.Status,
        order.TotalCents,
        order.Currency,
        order.CreatedAt,
        order.Items.OrderBy(i => i.Id).Select(i => new OrderItemResponse(i.ProductId, i.Name, i.Quantity, i.UnitPriceCents)).ToList());
}

public sealed record OrderPage(IReadOnlyList<OrderResponse> Items, string? NextCursor);

public sealed record ChangeStatusRequest(
    [property: Required, OneOf(OrderStatus.Paid, OrderStatus.Shipped, OrderStatus.Delivered, OrderStatus.Cancelled)] string Status);
