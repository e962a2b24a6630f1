using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Vitrine.Api.Events;
using Vitrine.Data;
using Vitrine.Data.Model;

namespace Vitrine.Api.Orders;

/// <summary>
/// Placing an order, in one transaction: reserve stock with conditional updates (never below zero, rows locked in
/// product-id order so concurrent orders cannot deadlock), snapshot names and prices, compute the total, write the
/// order, its items and an outbox event, and record the idempotent response.
/// </summary>
public sealed class OrderPlacement(VitrineDbContext db, NpgsqlDataSource dataSource, IdempotencyKeys keys, TimeProvider clock)
{
    public abstract record Result;

    public sealed record Placed(OrderResponse Order) : Result;

    public sealed record OutOfStock(IReadOnlyList<long> ProductIds) : Result;

    public sealed record UnknownProducts(IReadOnlyList<long> ProductIds) : Result;

    public sealed record MixedCurrencies : Result;

    private sealed record Reserved(long Id, string Name, long PriceCents, string Currency);

    public async Task<Result> PlaceAsync(long userId, string idempotencyKey, PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await PlaceOnceAsync(userId, idempotencyKey, request, cancellationToken);
        }
        catch (Exception exception) when (IsMissingPartition(exception))
        {
            // A month with no partition yet (maintenance behind, clock ahead): create it and place the order again.
            var month = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            await OrderPartitions.EnsureAsync(dataSource, month, month.AddMonths(1), cancellationToken);
            return await PlaceOnceAsync(userId, idempotencyKey, request, cancellationToken);
        }
    }

    private async Task<Result> PlaceOnceAsync(long userId, string idempotencyKey, PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync<Result>(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var now = clock.GetUtcNow();
            var reserved = new List<(Reserved Product, int Quantity)>();
            foreach (var line in request.Items.OrderBy(l => l.ProductId))
            {
                var rows = await db.Database.SqlQuery<Reserved>($"""
                    UPDATE products SET stock = stock - {line.Quantity}, updated_at = {now}
                    WHERE id = {line.ProductId} AND stock >= {line.Quantity}
                    RETURNING id, name, price_cents, currency
                    """).ToListAsync(ct);
                if (rows.Count == 0)
                {
                    await transaction.RollbackAsync(ct);
                    var ids = request.Items.Select(l => l.ProductId).ToList();
                    var known = await db.Products.Where(p => ids.Contains(p.Id)).Select(p => p.Id).ToListAsync(ct);
                    var unknown = ids.Except(known).ToList();
                    return unknown.Count > 0 ? new UnknownProducts(unknown) : new OutOfStock([line.ProductId]);
                }

                reserved.Add((rows[0], line.Quantity));
            }

            if (reserved.Select(r => r.Product.Currency).Distinct().Count() > 1)
            {
                await transaction.RollbackAsync(ct);
                return new MixedCurrencies();
            }

            var order = new Order
            {
                UserId = userId,
                CreatedAt = now,
                UpdatedAt = now,
                Status = OrderStatus.Pending,
                Currency = reserved[0].Product.Currency,
                TotalCents = reserved.Sum(r => r.Product.PriceCents * r.Quantity),
                // Items in the buyer's order, with the name and price they saw snapshotted.
                Items = request.Items.Select(line =>
                {
                    var product = reserved.First(r => r.Product.Id == line.ProductId).Product;
                    return new OrderItem { ProductId = product.Id, Name = product.Name, Quantity = line.Quantity, UnitPriceCents = product.PriceCents };
                }).ToList(),
            };
            db.Orders.Add(order);
            await db.SaveChangesAsync(ct);

            Outbox.Add(db, EventTypes.OrderPlaced, new OrderEvent(order.Id, userId, order.Status, order.TotalCents, now, order.Items.Select(i => i.ProductId).ToList()), now);
            await db.SaveChangesAsync(ct);

            var response = OrderResponse.From(order);
            await keys.CompleteAsync(userId, idempotencyKey, StatusCodes.Status201Created, JsonSerializer.Serialize(response, JsonSerializerOptions.Web), ct);
            await transaction.CommitAsync(ct);
            return new Placed(response);
        }, cancellationToken);
    }

    /// <summary>PostgreSQL's "no partition of relation … found for row" (a check violation without a constraint).</summary>
    private static bool IsMissingPartition(Exception exception) =>
        (exception as PostgresException ?? exception.InnerException as PostgresException) is { SqlState: PostgresErrorCodes.CheckViolation, ConstraintName: null };
}
