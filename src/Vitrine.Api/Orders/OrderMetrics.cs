using System.Diagnostics.Metrics;

namespace Vitrine.Api.Orders;

/// <summary>
/// vitrine_orders_placed_total{currency} and vitrine_orders_revenue_total{currency} (the orders' totals in the
/// currency's minor units): counted once per order, after its commit, never for an idempotent replay or an order that
/// was refused. The currency label is the order's ISO 4217 code, so its values are the catalog's few currencies.
/// </summary>
public sealed class OrderMetrics
{
    public const string MeterName = "Vitrine.Orders";
    private readonly Counter<long> placed;
    private readonly Counter<long> revenue;

    public OrderMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        placed = meter.CreateCounter<long>("vitrine.orders.placed", unit: "{order}", description: "Orders placed (committed), by currency");
        revenue = meter.CreateCounter<long>("vitrine.orders.revenue", unit: "{minor_unit}", description: "Totals of placed orders in the currency's minor units (cents), by currency");
    }

    public void Placed(OrderResponse order)
    {
        var currency = new KeyValuePair<string, object?>("currency", order.Currency);
        placed.Add(1, currency);
        revenue.Add(order.TotalCents, currency);
    }
}
