using System.Diagnostics.Metrics;

namespace Vitrine.Web.Cart;

/// <summary>
/// The storefront's funnel, for the checkout conversion the seed asks for: vitrine_carts_started_total (a first product
/// put into an empty cart), vitrine_checkouts_started_total (the checkout page shown with a non-empty cart) and
/// vitrine_checkouts_completed_total (an order placed from it). The ratios are recording rules in
/// deploy/prometheus/alerts.yml. No labels: one series each per replica.
/// </summary>
public sealed class CheckoutMetrics
{
    public const string MeterName = "Vitrine.Storefront";
    private readonly Counter<long> cartsStarted;
    private readonly Counter<long> checkoutsStarted;
    private readonly Counter<long> checkoutsCompleted;

    public CheckoutMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        cartsStarted = meter.CreateCounter<long>("vitrine.carts.started", unit: "{cart}", description: "Carts that received their first product");
        checkoutsStarted = meter.CreateCounter<long>("vitrine.checkouts.started", unit: "{checkout}", description: "Checkout pages shown with a non-empty cart");
        checkoutsCompleted = meter.CreateCounter<long>("vitrine.checkouts.completed", unit: "{checkout}", description: "Orders placed from the checkout page");
    }

    public void CartStarted() => cartsStarted.Add(1);

    public void CheckoutStarted() => checkoutsStarted.Add(1);

    public void CheckoutCompleted() => checkoutsCompleted.Add(1);
}
