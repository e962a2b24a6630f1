namespace Vitrine.Api.Events;

public static class EventsServiceCollectionExtensions
{
    /// <summary>The seed's Redis pub/sub, without losing events: the outbox relay and this process's subscription.</summary>
    public static WebApplicationBuilder AddEvents(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<EventHub>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EventHub>());
        builder.Services.AddHostedService<OutboxRelay>();
        return builder;
    }
}
