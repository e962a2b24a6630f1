using Vitrine.Data.Model;

namespace Vitrine.Api.Orders;

/// <summary>
/// pending → paid → shipped → delivered, or cancelled (which restocks) while still pending or paid.
/// Every transition is an outbox event.
/// </summary>
public static class OrderLifecycle
{
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        [OrderStatus.Pending] = [OrderStatus.Paid, OrderStatus.Cancelled],
        [OrderStatus.Paid] = [OrderStatus.Shipped, OrderStatus.Cancelled],
        [OrderStatus.Shipped] = [OrderStatus.Delivered],
        [OrderStatus.Delivered] = [],
        [OrderStatus.Cancelled] = [],
    };

    /// <summary>The states an order may be in for a move to <paramref name="to"/>.</summary>
    public static string[] StatesThatMayMoveTo(string to) =>
        Allowed.Where(pair => pair.Value.Contains(to)).Select(pair => pair.Key).ToArray();
}
