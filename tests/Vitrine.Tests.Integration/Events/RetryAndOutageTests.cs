using System.Net;
using System.Text.Json;
using Hangfire;
using Hangfire.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StackExchange.Redis;
using Vitrine.Api.Jobs;
using Vitrine.Tests.Integration.Infrastructure;
using Vitrine.Tests.Integration.Orders;

namespace Vitrine.Tests.Integration.Events;

/// <summary>Its own Redis (stopped mid-test) and its own mail directory (made unwritable mid-test).</summary>
public sealed class RetryAndOutageTests(OwnRedisApiFactory api) : IClassFixture<OwnRedisApiFactory>
{
    private readonly HttpClient client = api.CreateClient();

    [Fact]
    public async Task A_failing_job_is_retried_and_then_succeeds()
    {
        var (_, buyer) = await client.SignUpAsync();
        var product = await api.ProductAsync(stock: 5);

        // The mail directory cannot be created: a file stands where it should be.
        if (Directory.Exists(api.MailDirectory))
        {
            Directory.Delete(api.MailDirectory, recursive: true);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(api.MailDirectory)!);
        await File.WriteAllTextAsync(api.MailDirectory, "in the way");
        var response = await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((product, 1)));
        var orderId = (await response.JsonAsync()).GetProperty("id").GetInt64();
        var mail = Path.Combine(api.MailDirectory, $"order-{orderId}.eml");

        // The first attempt fails, observed in the job store: the job of this order is waiting for its retry, no mail sent.
        var storage = api.Services.GetRequiredService<JobStorage>();
        string? jobId = null;
        await Eventually.HoldsAsync(() => (jobId = ConfirmationJobOf(storage, orderId)) is not null, $"no confirmation job for order {orderId}");
        await Eventually.HoldsAsync(() => RetryCount(storage, jobId!) >= 1, "the confirmation job never failed while the mail directory was blocked");
        File.Exists(api.MailDirectory).ShouldBeTrue("the blocker is still in place, so no attempt can have succeeded");
        File.Delete(api.MailDirectory);

        // The retry succeeds: the mail is written, and the same job ends Succeeded after its failed attempt.
        await JobsAndEventsTests.WaitForFileAsync(mail, TimeSpan.FromSeconds(60));
        await Eventually.HoldsAsync(() => States(storage, jobId!).Contains("Succeeded"), $"job {jobId} never reached Succeeded");
        var history = storage.GetMonitoringApi().JobDetails(jobId).History;
        history.ShouldContain(h => h.StateName == "Scheduled" && h.Reason != null && h.Reason.StartsWith("Retry attempt 1 of", StringComparison.Ordinal));
        RetryCount(storage, jobId!).ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task Events_written_while_redis_is_down_are_delivered_when_it_returns()
    {
        var (_, buyer) = await client.SignUpAsync();
        var product = await api.ProductAsync(stock: 5);
        var received = new List<string>();
        bool Delivered(long orderId)
        {
            lock (received)
            {
                // What the relay publishes: {"id","type","payload"}, the payload being the outbox row's JSON.
                return received.Select(e => JsonDocument.Parse(e).RootElement).Any(e =>
                    e.GetProperty("type").GetString() == "order.placed"
                    && JsonDocument.Parse(e.GetProperty("payload").GetString()!).RootElement.GetProperty("orderId").GetInt64() == orderId);
            }
        }

        // Nothing is pending before the outage, so any failed relay batch from here on holds this test's order.
        await Eventually.HoldsAsync(async () => await PendingAsync() == 0, "the outbox had events pending before the outage");
        await api.Redis.StopAsync();
        long orderId;
        try
        {
            var response = await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((product, 1)));
            response.StatusCode.ShouldBe(HttpStatusCode.Created);
            orderId = (await response.JsonAsync()).GetProperty("id").GetInt64();

            // The failure, observed: the relay claims the order's event in a transaction, cannot hand it to Redis, and
            // rolls back (counted by PostgreSQL for this test's database), so the event stays in the outbox, undelivered.
            var rollbacks = await RollbacksAsync();
            await Eventually.HoldsAsync(async () => await RollbacksAsync() > rollbacks, "the outbox relay never tried (and failed) while Redis was down");
            (await api.QueryAsync(db => db.OutboxMessages.Where(m => m.ProcessedAt == null).Select(m => m.Type).ToListAsync())).ShouldContain("order.placed");
        }
        finally
        {
            await api.Redis.StartAsync();
        }

        // Pub/sub keeps nothing for a subscriber that is not connected: listen on the restarted server at once, before
        // the API has noticed it is back (its reconnect and the relay's backoff take far longer than this connect).
        await using var listener = await ConnectionMultiplexer.ConnectAsync(api.Redis.ConnectionString);
        await listener.GetSubscriber().SubscribeAsync(RedisChannel.Literal(api.Settings["Caching:Name"] + ":events"), (_, value) =>
        {
            lock (received)
            {
                received.Add(value.ToString());
            }
        });

        // The recovery, observed: the outbox is drained (marked only once published), the event arrives on the channel, and the confirmation job
        // (enqueued in the same relay batch, on the same Redis) runs.
        await Eventually.HoldsAsync(async () => await PendingAsync() == 0, "the outbox was not drained after Redis returned");
        await Eventually.HoldsAsync(() => Delivered(orderId), $"order {orderId}'s order.placed never arrived after Redis returned");
        await JobsAndEventsTests.WaitForFileAsync(Path.Combine(api.MailDirectory, $"order-{orderId}.eml"), TimeSpan.FromSeconds(60));
    }

    /// <summary>Transactions rolled back in this test's database so far (pg_stat_database, on the primary).</summary>
    private async Task<long> RollbacksAsync()
    {
        await using var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT xact_rollback FROM pg_stat_database WHERE datname = current_database()", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private Task<int> PendingAsync() => api.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.ProcessedAt == null));

    /// <summary>The id of the confirmation job of an order, in whatever state it is now.</summary>
    private static string? ConfirmationJobOf(JobStorage storage, long orderId)
    {
        var monitoring = storage.GetMonitoringApi();
        IEnumerable<(string Id, Hangfire.Common.Job? Job)> jobs =
        [
            .. monitoring.EnqueuedJobs("default", 0, 500).Select(j => (j.Key, j.Value.Job)),
            .. monitoring.ProcessingJobs(0, 500).Select(j => (j.Key, j.Value.Job)),
            .. monitoring.ScheduledJobs(0, 500).Select(j => (j.Key, j.Value.Job)),
            .. monitoring.SucceededJobs(0, 500).Select(j => (j.Key, j.Value.Job)),
            .. monitoring.FailedJobs(0, 500).Select(j => (j.Key, j.Value.Job)),
        ];
        return jobs.FirstOrDefault(j => j.Job?.Type == typeof(OrderConfirmationJob) && j.Job.Args.Count > 0 && j.Job.Args[0] is long id && id == orderId).Id;
    }

    /// <summary>How many times Hangfire has retried the job (its RetryCount parameter, set by AutomaticRetry on each failure).</summary>
    private static int RetryCount(JobStorage storage, string jobId)
    {
        using var connection = storage.GetConnection();
        return int.TryParse(connection.GetJobParameter(jobId, "RetryCount"), out var count) ? count : 0;
    }

    private static List<string> States(JobStorage storage, string jobId) =>
        storage.GetMonitoringApi().JobDetails(jobId).History.Select(h => h.StateName).ToList();
}
