using System.Text.Json;
using Vitrine.Data;
using Vitrine.Data.Model;

namespace Vitrine.Api.Events;

/// <summary>Event types written to the outbox (and relayed to Redis pub/sub under the same names).</summary>
public static class EventTypes
{
    public const string OrderPlaced = "order.placed";
    public const string OrderStatusChanged = "order.status-changed";
    public const string ProductChanged = "product.changed";
}

public sealed record OrderEvent(long OrderId, long UserId, string Status, long TotalCents, DateTimeOffset At, IReadOnlyList<long> ProductIds);

public sealed record ProductEvent(long ProductId, DateTimeOffset At);

/// <summary>Adds an event to the outbox in the caller's unit of work: it commits or rolls back with the change it describes.</summary>
public static class Outbox
{
    public static void Add<T>(VitrineDbContext db, string type, T payload, DateTimeOffset at) =>
        db.OutboxMessages.Add(new OutboxMessage
        {
            Type = type,
            Payload = JsonSerializer.Serialize(payload, JsonSerializerOptions.Web),
            CreatedAt = at,
        });
}
