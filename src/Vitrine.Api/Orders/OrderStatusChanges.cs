using Microsoft.EntityFrameworkCore;
using Vitrine.Api.Events;
using Vitrine.Data;
using Vitrine.Data.Model;

namespace Vitrine.Api.Orders;

/// <summary>
/// Moves an order along its lifecycle with a conditional update (the status it must be in), so two concurrent moves
/// cannot both succeed; cancelling puts the items back in stock in the same transaction. Every move is an outbox event.
/// </summary>
public sealed class OrderStatusChanges(VitrineDbContext db, TimeProvider clock)
{
    public async Task<Order?> MoveAsync(Order order, string to, CancellationToken cancellationToken)
    {
        var from = OrderLifecycle.StatesThatMayMoveTo(to);
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var now = clock.GetUtcNow();
            var moved = await db.Orders
                .Where(o => o.Id == order.Id && o.CreatedAt == order.CreatedAt && from.Contains(o.Status))
                .ExecuteUpdateAsync(set => set.SetProperty(o => o.Status, to).SetProperty(o => o.UpdatedAt, now), ct);
            if (moved == 0)
            {
                await transaction.RollbackAsync(ct);
                return null;
            }

            if (to == OrderStatus.Cancelled)
            {
                foreach (var item in order.Items.OrderBy(i => i.ProductId))
                {
                    await db.Database.ExecuteSqlAsync(
                        $"UPDATE products SET stock = stock + {item.Quantity}, updated_at = {now} WHERE id = {item.ProductId}", ct);
                }
            }

            Outbox.Add(db, EventTypes.OrderStatusChanged, new OrderEvent(order.Id, order.UserId, to, order.TotalCents, now, order.Items.Select(i => i.ProductId).ToList()), now);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            order.Status = to;
            order.UpdatedAt = now;
            return order;
        }, cancellationToken);
    }
}
