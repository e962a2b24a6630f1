namespace Vitrine.Data.Model;

/// <summary>
/// An order. The table is partitioned by month on <see cref="CreatedAt"/>, so the key is (id, created_at).
/// </summary>
public sealed class Order
{
    public long Id { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public long UserId { get; set; }

    public string Status { get; set; } = OrderStatus.Pending;

    public long TotalCents { get; set; }

    public string Currency { get; set; } = "USD";

    public DateTimeOffset UpdatedAt { get; set; }

    public List<OrderItem> Items { get; set; } = [];
}

public static class OrderStatus
{
    public const string Pending = "pending";
    public const string Paid = "paid";
    public const string Shipped = "shipped";
    public const string Delivered = "delivered";
    public const string Cancelled = "cancelled";
}

public sealed class OrderItem
{
    public long Id { get; set; }

    public long OrderId { get; set; }

    public DateTimeOffset OrderCreatedAt { get; set; }

    public long ProductId { get; set; }

    /// <summary>Name and price are snapshots taken when the order was placed.</summary>
    public required string Name { get; set; }

    public int Quantity { get; set; }

    public long UnitPriceCents { get; set; }
}
