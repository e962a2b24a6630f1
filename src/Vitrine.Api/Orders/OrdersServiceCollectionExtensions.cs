namespace Vitrine.Api.Orders;

public static class OrdersServiceCollectionExtensions
{
    public static WebApplicationBuilder AddOrders(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OrderMetrics>();
        builder.Services.AddScoped<IdempotencyKeys>();
        builder.Services.AddScoped<OrderPlacement>();
        builder.Services.AddScoped<OrderStatusChanges>();
        builder.Services.AddScoped<OrderQueries>();
        return builder;
    }
}
