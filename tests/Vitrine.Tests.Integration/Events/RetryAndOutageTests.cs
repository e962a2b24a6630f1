using System.Net;
using StackExchange.Redis;
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
        await Task.Delay(TimeSpan.FromSeconds(2)); // the first attempt fails meanwhile
        File.Delete(api.MailDirectory);

        await JobsAndEventsTests.WaitForFileAsync(Path.Combine(api.MailDirectory, $"order-{orderId}.eml"), TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Events_written_while_redis_is_down_are_delivered_when_it_returns()
    {
        var (_, buyer) = await client.SignUpAsync();
        var product = await api.ProductAsync(stock: 5);
        await using var listener = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions { EndPoints = { api.Redis.ConnectionString }, AbortOnConnectFail = false });
        var received = new List<string>();
        await listener.GetSubscriber().SubscribeAsync(RedisChannel.Literal(api.Settings["Caching:Name"] + ":events"), (_, value) =>
        {
            lock (received)
            {
                received.Add(value.ToString());
            }
        });

        await api.Redis.StopAsync();
        long orderId;
        try
        {
            var response = await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((product, 1)));
            response.StatusCode.ShouldBe(HttpStatusCode.Created);
            orderId = (await response.JsonAsync()).GetProperty("id").GetInt64();
            await Task.Delay(TimeSpan.FromSeconds(1));
            (await api.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.OutboxMessages, m => m.ProcessedAt == null))).ShouldBeGreaterThan(0);
        }
        finally
        {
            await api.Redis.StartAsync();
        }

        var deadline = DateTime.UtcNow.AddSeconds(40);
        while (DateTime.UtcNow < deadline)
        {
            lock (received)
            {
                if (received.Any(e => e.Contains($"\\u0022orderId\\u0022:{orderId}", StringComparison.Ordinal) || e.Contains($"\\\"orderId\\\":{orderId}", StringComparison.Ordinal)))
                {
                    break;
                }
            }

            await Task.Delay(200);
        }

        lock (received)
        {
            received.ShouldContain(e => e.Contains("order.placed", StringComparison.Ordinal) && e.Contains(orderId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        // The confirmation job, enqueued once Redis was back, ran too.
        await JobsAndEventsTests.WaitForFileAsync(Path.Combine(api.MailDirectory, $"order-{orderId}.eml"), TimeSpan.FromSeconds(30));
    }
}
