using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Vitrine.Api.Events;
using Vitrine.Api.Json;
using Vitrine.Data;
using Vitrine.Data.Model;

namespace Vitrine.Api.Orders;

/// <summary>
/// Placing an order, in one transaction: reserve stock with conditional updates (never below zero, rows locked in
/// product-id order so concurrent orders cannot deadlock), snapshot names and prices, compute the total, write the
/// order, its items and an outbox event, and record the idempotent response.
/// </summary>
/// <remarks>
/// Raw Npgsql batches rather than EF Core: the transaction is two round trips to PostgreSQL instead of eight
/// (BEGIN + every line's reservation + an order id; then the order, its items, the event, the stored response, COMMIT and
/// the WAL position reads-your-writes needs). Through PgBouncer in transaction pooling the server connection is held
/// from BEGIN to COMMIT, so each round trip saved is time a pooled server connection is not blocked.
/// </remarks>
public sealed class OrderPlacement(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public abstract record Result;

    /// <param name="WrittenAt">The primary's WAL position just after the commit (for reads-your-writes).</param>
    public sealed record Placed(OrderResponse Order, NpgsqlLogSequenceNumber WrittenAt) : Result;

    public sealed record OutOfStock(IReadOnlyList<long> ProductIds) : Result;

    public sealed record UnknownProducts(IReadOnlyList<long> ProductIds) : Result;

    public sealed record MixedCurrencies : Result;

    private sealed record Reserved(long Id, string Name, long PriceCents, string Currency);

    private const string ReserveSql = """
        UPDATE products SET stock = stock - $1, updated_at = $2
        WHERE id = $3 AND stock >= $1
        RETURNING id, name, price_cents, currency
        """;

    private const string InsertOrderSql = """
        INSERT INTO orders (id, user_id, created_at, updated_at, status, currency, total_cents) VALUES ($1, $2, $3, $3, $4, $5, $6)
        """;

    // Items in the buyer's order (their ids follow it), with the name and price they saw snapshotted.
    private const string InsertItemsSql = """
        INSERT INTO order_items (order_id, order_created_at, product_id, name, quantity, unit_price_cents)
        SELECT $1, $2, line.product_id, line.name, line.quantity, line.unit_price_cents
        FROM unnest($3::bigint[], $4::text[], $5::integer[], $6::bigint[]) WITH ORDINALITY AS line(product_id, name, quantity, unit_price_cents, position)
        ORDER BY line.position
        """;

    private const string InsertEventSql = "INSERT INTO outbox (type, payload, created_at, attempts) VALUES ($1, $2, $3, 0)";

    private const string CompleteKeySql = "UPDATE idempotency_keys SET response_status = $1, response_body = $2 WHERE user_id = $3 AND key = $4";

    public async Task<Result> PlaceAsync(long userId, string idempotencyKey, PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await PlaceOnceAsync(userId, idempotencyKey, request, cancellationToken);
        }
        catch (PostgresException exception) when (IsMissingPartition(exception))
        {
            // A month with no partition yet (maintenance behind, clock ahead): create it and place the order again.
            var month = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            await OrderPartitions.EnsureAsync(dataSource, month, month.AddMonths(1), cancellationToken);
            return await PlaceOnceAsync(userId, idempotencyKey, request, cancellationToken);
        }
    }

    private async Task<Result> PlaceOnceAsync(long userId, string idempotencyKey, PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var lines = request.Items.OrderBy(l => l.ProductId).ToList();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Round trip 1 (BEGIN goes with it): every line's conditional update, in product-id order, and the order's id.
        var reserved = new Dictionary<long, Reserved>(lines.Count);
        var missing = new List<long>();
        long orderId;
        await using (var reserve = new NpgsqlBatch(connection, transaction))
        {
            foreach (var line in lines)
            {
                reserve.BatchCommands.Add(Command(ReserveSql, line.Quantity, now, line.ProductId));
            }

            reserve.BatchCommands.Add(new NpgsqlBatchCommand("SELECT nextval(pg_get_serial_sequence('orders', 'id'))"));
            await using var reader = await reserve.ExecuteReaderAsync(cancellationToken);
            foreach (var line in lines)
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    reserved[line.ProductId] = new Reserved(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3));
                }
                else
                {
                    missing.Add(line.ProductId);
                }

                await reader.NextResultAsync(cancellationToken);
            }

            await reader.ReadAsync(cancellationToken);
            orderId = reader.GetInt64(0);
        }

        if (missing.Count > 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return await ExplainMissingAsync(connection, missing, cancellationToken);
        }

        var currencies = reserved.Values.Select(r => r.Currency).Distinct().ToList();
        if (currencies.Count > 1)
        {
            await transaction.RollbackAsync(cancellationToken);
            return new MixedCurrencies();
        }

        var items = request.Items.Select(line =>
        {
            var product = reserved[line.ProductId];
            return new OrderItemResponse(product.Id, product.Name, line.Quantity, product.PriceCents);
        }).ToList();
        var order = new OrderResponse(orderId, OrderStatus.Pending, items.Sum(i => i.UnitPriceCents * i.Quantity), currencies[0], now, items);
        var placedEvent = new OrderEvent(order.Id, userId, order.Status, order.TotalCents, now, items.Select(i => i.ProductId).ToList());

        // Round trip 2: the order, its items, its event and the stored response; COMMIT; then the WAL position, read in
        // the same pipeline after the commit record (reads-your-writes must not trust a replica before it has it).
        await using (var write = new NpgsqlBatch(connection, transaction))
        {
            write.BatchCommands.Add(Command(InsertOrderSql, order.Id, userId, now, order.Status, order.Currency, order.TotalCents));
            write.BatchCommands.Add(Command(InsertItemsSql, order.Id, now,
                items.Select(i => i.ProductId).ToArray(), items.Select(i => i.Name).ToArray(),
                items.Select(i => i.Quantity).ToArray(), items.Select(i => i.UnitPriceCents).ToArray()));
            write.BatchCommands.Add(Command(InsertEventSql, EventTypes.OrderPlaced, Jsonb(JsonSerializer.Serialize(placedEvent, ApiJson.Default.OrderEvent)), now));
            write.BatchCommands.Add(Command(CompleteKeySql, StatusCodes.Status201Created, Jsonb(JsonSerializer.Serialize(order, ApiJson.Default.OrderResponse)), userId, idempotencyKey));
            write.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            write.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_current_wal_insert_lsn()"));
            await using var reader = await write.ExecuteReaderAsync(cancellationToken);
            do
            {
                if (await reader.ReadAsync(cancellationToken))
                {
                    return new Placed(order, reader.GetFieldValue<NpgsqlLogSequenceNumber>(0));
                }
            }
            while (await reader.NextResultAsync(cancellationToken));
        }

        throw new InvalidOperationException("PostgreSQL did not report the WAL position after the order's commit.");
    }

    /// <summary>After the rollback: unknown products, or (all known) the ones short of stock.</summary>
    private static async Task<Result> ExplainMissingAsync(NpgsqlConnection connection, List<long> missing, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT id FROM products WHERE id = ANY($1)", connection);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. missing] });
        var known = new HashSet<long>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                known.Add(reader.GetInt64(0));
            }
        }

        var unknown = missing.Where(id => !known.Contains(id)).ToList();
        return unknown.Count > 0 ? new UnknownProducts(unknown) : new OutOfStock(missing);
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value });
        }

        return command;
    }

    private static NpgsqlParameter Jsonb(string json) => new() { Value = json, NpgsqlDbType = NpgsqlDbType.Jsonb };

    /// <summary>PostgreSQL's "no partition of relation … found for row" (a check violation without a constraint).</summary>
    private static bool IsMissingPartition(PostgresException exception) =>
        exception is { SqlState: PostgresErrorCodes.CheckViolation, ConstraintName: null };
}
