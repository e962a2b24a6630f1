using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vitrine.Api.Replication;
using Vitrine.Data;
using Vitrine.Data.Model;

namespace Vitrine.Api.Jobs;

/// <summary>
/// The admin sales report: one CSV row per day and currency (orders, items, revenue; cancelled orders excluded),
/// built by a background job and kept 24 h in the durable Redis for download. Its scan runs on the read replica when
/// that has the requesting admin's own writes (<see cref="ReplicaReads"/>).
/// </summary>
public sealed class SalesReport(ReplicaReads reads, [FromKeyedServices(RedisConnections.Durable)] IConnectionMultiplexer redis, IOptions<JobOptions> jobs)
{
    public static readonly TimeSpan KeptFor = TimeSpan.FromHours(24);

    /// <summary>Reports sit beside the jobs that build them, under the jobs' prefix.</summary>
    public static RedisKey Key(JobOptions jobs, Guid id) => $"{jobs.Prefix}reports:{id:N}";

    public static RedisKey StateKey(JobOptions jobs, Guid id) => $"{jobs.Prefix}reports:{id:N}:state";

    private sealed record Row(DateOnly Day, string Currency, long Orders, long Items, long RevenueCents);

    public async Task BuildAsync(Guid reportId, DateOnly from, DateOnly to, long requestedBy, CancellationToken cancellationToken)
    {
        try
        {
            await BuildOnceAsync(reportId, from, to, requestedBy, cancellationToken);
        }
        catch
        {
            // Visible to the admin polling for it; a retry that succeeds later turns it into "done".
            await redis.GetDatabase().StringSetAsync(StateKey(jobs.Value, reportId), "failed", KeptFor);
            throw;
        }
    }

    private async Task BuildOnceAsync(Guid reportId, DateOnly from, DateOnly to, long requestedBy, CancellationToken cancellationToken)
    {
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var rows = await reads.ReadAsync(requestedBy, (db, ct) => db.Database.SqlQuery<Row>($"""
            SELECT (o.created_at AT TIME ZONE 'UTC')::date AS day, o.currency, count(DISTINCT o.id) AS orders,
                   coalesce(sum(i.quantity), 0) AS items, coalesce(sum(i.quantity * i.unit_price_cents), 0) AS revenue_cents
            FROM orders o JOIN order_items i ON i.order_id = o.id AND i.order_created_at = o.created_at
            WHERE o.created_at >= {start} AND o.created_at < {end} AND o.status <> {OrderStatus.Cancelled}
            GROUP BY 1, 2 ORDER BY 1, 2
            """).ToListAsync(ct), cancellationToken);

        var csv = new StringBuilder("day,currency,orders,items,revenue_cents\n");
        foreach (var row in rows)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{row.Day:yyyy-MM-dd},{row.Currency},{row.Orders},{row.Items},{row.RevenueCents}\n");
        }

        var database = redis.GetDatabase();
        await database.StringSetAsync(Key(jobs.Value, reportId), csv.ToString(), KeptFor);
        await database.StringSetAsync(StateKey(jobs.Value, reportId), "done", KeptFor);
    }
}
