using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Vitrine.Data;
using Vitrine.Data.Model;

namespace Vitrine.Api.Orders;

/// <summary>
/// Reading orders: keyset pages newest first over (created_at, id) — for one user through the seed's
/// (user_id, created_at DESC) index — with their items in one more query: two queries a page, whatever its size.
/// </summary>
public sealed class OrderQueries(VitrineDbContext db)
{
    public async Task<OrderPage> PageAsync(Expression<Func<Order, bool>> filter, OrderCursor? after, int pageSize, CancellationToken cancellationToken)
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

        await AttachItemsAsync(page, cancellationToken);
        var next = hasMore ? new OrderCursor(page[^1].CreatedAt, page[^1].Id).Encode() : null;
        return new OrderPage(page.Select(OrderResponse.From).ToList(), next);
    }

    public async Task<Order?> FindAsync(long id, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (order is not null)
        {
            await AttachItemsAsync([order], cancellationToken);
        }

        return order;
    }

    private async Task AttachItemsAsync(List<Order> orders, CancellationToken cancellationToken)
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
