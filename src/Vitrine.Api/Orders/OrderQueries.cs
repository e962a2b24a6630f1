using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Vitrine.Api.Replication;
using Vitrine.Data;
using Vitrine.Data.Model;

namespace Vitrine.Api.Orders;

/// <summary>
/// Reading orders: keyset pages newest first over (created_at, id) — for one user through the seed's
/// (user_id, created_at DESC) index — with their items in one more query: two queries a page, whatever its size.
/// Reads for display go to the read replica when it has the reader's own writes (<see cref="ReplicaReads"/>); the
/// read before a write (cancel, status change) always uses the primary.
/// </summary>
public sealed class OrderQueries(VitrineDbContext db, ReplicaReads reads)
{
    public Task<OrderPage> PageAsync(long readerId, Expression<Func<Order, bool>> filter, OrderCursor? after, int pageSize, CancellationToken cancellationToken) =>
        reads.ReadAsync(readerId, (source, ct) => PageAsync(source, filter, after, pageSize, ct), cancellationToken);

    /// <summary>An order to show to <paramref name="readerId"/> (replica when safe; "not found" there is checked on the primary).</summary>
    public Task<Order?> ReadAsync(long readerId, long id, CancellationToken cancellationToken) =>
        reads.ReadAsync(readerId, (source, ct) => FindAsync(source, id, ct), cancellationToken, confirmOnPrimary: order => order is null);

    /// <summary>An order about to be changed: always from the primary.</summary>
    public Task<Order?> FindAsync(long id, CancellationToken cancellationToken) => FindAsync(db, id, cancellationToken);

    private static async Task<OrderPage> PageAsync(
        VitrineDbContext db, Expression<Func<Order, bool>> filter, OrderCursor? after, int pageSize, CancellationToken cancellationToken)
    {
        var orders = db.Orders.AsNoTracking().Where(filter);
        if (after is { } cursor)
        {
            orders = orders.Where(o => o.CreatedAt < cursor.CreatedAt || (o.CreatedAt == cursor.CreatedAt && o.Id < cursor.Id));
        }

        var page = await orders
            .OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id)
            .Take(pageSize + 1)
            .ToListAsync(cancellationToken);
        var hasMore = page.Count > pageSize;
        if (hasMore)
        {
            page.RemoveAt(pageSize);
        }

        await AttachItemsAsync(db, page, cancellationToken);
        var next = hasMore ? new OrderCursor(page[^1].CreatedAt, page[^1].Id).Encode() : null;
        return new OrderPage(page.Select(OrderResponse.From).ToList(), next);
    }

    private static async Task<Order?> FindAsync(VitrineDbContext db, long id, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (order is not null)
        {
            await AttachItemsAsync(db, [order], cancellationToken);
        }

        return order;
    }

    private static async Task AttachItemsAsync(VitrineDbContext db, List<Order> orders, CancellationToken cancellationToken)
    {
        if (orders.Count == 0)
        {
            return;
        }

        var ids = orders.Select(o => o.Id).ToList();
        var items = await db.OrderItems.AsNoTracking().Where(i => ids.Contains(i.OrderId)).ToListAsync(cancellationToken);
        var byOrder = items.ToLookup(i => i.OrderId);
        foreach (var order in orders)
        {
            order.Items = byOrder[order.Id].ToList();
        }
    }
}
