using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Vitrine.Api.Replication;
using Vitrine.Data;
using Vitrine.Data.Model;

namespace Vitrine.Api.Orders;

/// <summary>
/// Reading orders: keyset pages newest first over (created_at, id) — for one user through the seed's
/// (user_id, created_at DESC) index — with their items in one more query: two queries a page, whatever its size.
/// A user's own history (the hot read) is one SQL join on a data source instead, no DbContext (<see cref="MinePageAsync"/>).
/// Reads for display go to the read replica when it has the reader's own writes (<see cref="ReplicaReads"/>); the
/// read before a write (cancel, status change) always uses the primary.
/// </summary>
public sealed class OrderQueries(VitrineDbContext db, ReplicaReads reads)
{
    // The page's orders through the (user_id, created_at DESC) index, then their items through (order_id,
    // order_created_at), in one statement and one round trip; items in the order they were added (their id).
    private const string MinePageSql = """
        SELECT o.id, o.status, o.total_cents, o.currency, o.created_at, i.product_id, i.name, i.quantity, i.unit_price_cents
        FROM (SELECT id, created_at, status, total_cents, currency FROM orders
              WHERE user_id = $1
              ORDER BY created_at DESC, id DESC LIMIT $2) o
        LEFT JOIN order_items i ON i.order_id = o.id AND i.order_created_at = o.created_at
        ORDER BY o.created_at DESC, o.id DESC, i.id
        """;

    private const string MineNextPageSql = """
        SELECT o.id, o.status, o.total_cents, o.currency, o.created_at, i.product_id, i.name, i.quantity, i.unit_price_cents
        FROM (SELECT id, created_at, status, total_cents, currency FROM orders
              WHERE user_id = $1 AND (created_at < $3 OR (created_at = $3 AND id < $4))
              ORDER BY created_at DESC, id DESC LIMIT $2) o
        LEFT JOIN order_items i ON i.order_id = o.id AND i.order_created_at = o.created_at
        ORDER BY o.created_at DESC, o.id DESC, i.id
        """;

    /// <summary>The caller's own orders, newest first, with their items: one query (replica when safe).</summary>
    public Task<OrderPage> MinePageAsync(long userId, OrderCursor? after, int pageSize, CancellationToken cancellationToken) =>
        reads.ReadAsync(userId, (NpgsqlDataSource source, CancellationToken ct) => MinePageAsync(source, userId, after, pageSize, ct), cancellationToken);

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

    private static async Task<OrderPage> MinePageAsync(NpgsqlDataSource source, long userId, OrderCursor? after, int pageSize, CancellationToken cancellationToken)
    {
        await using var command = source.CreateCommand(after is null ? MinePageSql : MineNextPageSql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = userId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageSize + 1 });
        if (after is { } cursor)
        {
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = cursor.CreatedAt });
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = cursor.Id });
        }

        var orders = new List<OrderResponse>(pageSize + 1);
        List<OrderItemResponse>? items = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var id = reader.GetInt64(0);
            if (orders.Count == 0 || orders[^1].Id != id)
            {
                items = [];
                orders.Add(new OrderResponse(id, reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4), items));
            }

            if (!reader.IsDBNull(5))
            {
                items!.Add(new OrderItemResponse(reader.GetInt64(5), reader.GetString(6), reader.GetInt32(7), reader.GetInt64(8)));
            }
        }

        string? next = null;
        if (orders.Count > pageSize)
        {
            orders.RemoveAt(pageSize);
            next = new OrderCursor(orders[^1].CreatedAt, orders[^1].Id).Encode();
        }

        return new OrderPage(orders, next);
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
