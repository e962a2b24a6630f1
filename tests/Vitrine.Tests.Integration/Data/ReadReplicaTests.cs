using System.Globalization;
using System.Net;
using System.Text.Json;
using Npgsql;
using Vitrine.Tests.Integration.Infrastructure;
using Vitrine.Tests.Integration.Orders;

namespace Vitrine.Tests.Integration.Data;

/// <summary>The streaming replica of the test cluster, and reads-your-writes through it, on the real servers.</summary>
public sealed class ReadReplicaTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private readonly HttpClient client = api.CreateClient();

    [Fact]
    public async Task A_row_written_through_the_primary_is_read_back_from_the_replica()
    {
        var database = PgBouncerServer.DatabaseOf(api.ConnectionString);
        var slug = $"replicated-{Guid.NewGuid():N}";
        await using (var primary = NpgsqlDataSource.Create(api.Servers.PgBouncer.ConnectionString(database)))
        {
            await using var insert = primary.CreateCommand("INSERT INTO categories (slug, name) VALUES ($1, 'Replicated')");
            insert.Parameters.Add(new NpgsqlParameter { Value = slug });
            await insert.ExecuteNonQueryAsync();
        }

        await using var replica = NpgsqlDataSource.Create(api.Servers.Replica.ConnectionString(database));
        (await Scalar<bool>(replica, "SELECT pg_is_in_recovery()")).ShouldBeTrue();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await Scalar<long>(replica, $"SELECT count(*) FROM categories WHERE slug = '{slug}'") == 0)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the row never reached the replica");
            await Task.Delay(20);
        }

        // The replica is read-only: a write there is refused by PostgreSQL itself.
        var refused = await Should.ThrowAsync<PostgresException>(() => Scalar<int>(replica, "INSERT INTO categories (slug, name) VALUES ('no', 'No') RETURNING 1"));
        refused.SqlState.ShouldBe(PostgresErrorCodes.ReadOnlySqlTransaction);
    }

    [Fact]
    public async Task A_buyer_reads_their_order_right_after_placing_and_after_cancelling_it_every_time()
    {
        var (_, buyer) = await client.SignUpAsync();
        var product = await api.ProductAsync(stock: 100);
        for (var i = 0; i < 20; i++)
        {
            var placed = await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((product, 1)));
            placed.StatusCode.ShouldBe(HttpStatusCode.Created);
            var id = (await placed.JsonAsync()).GetProperty("id").GetInt64();

            var mine = await (await client.GetAsync("/api/v1/users/me/orders?pageSize=5", buyer.AccessToken)).JsonAsync();
            mine.GetProperty("items")[0].GetProperty("id").GetInt64().ShouldBe(id, $"iteration {i}: the newest order is missing from the list");
            var one = await client.GetAsync($"/api/v1/orders/{id}", buyer.AccessToken);
            one.StatusCode.ShouldBe(HttpStatusCode.OK, $"iteration {i}");

            if (i % 5 == 0)
            {
                (await client.SendAsync(HttpMethod.Post, $"/api/v1/orders/{id}/cancel", buyer.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
                var again = await (await client.GetAsync($"/api/v1/orders/{id}", buyer.AccessToken)).JsonAsync();
                again.GetProperty("status").GetString().ShouldBe("cancelled", $"iteration {i}: the cancel is not visible");
            }
        }
    }

    [Fact]
    public async Task Reads_of_a_user_with_no_recent_write_are_served_by_the_replica()
    {
        var (_, reader) = await client.SignUpAsync();
        var before = await ReplicaMetrics.ReadsAsync(client, "replica");

        (await client.GetAsync("/api/v1/users/me/orders", reader.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await ReplicaMetrics.ReadsReachAsync(client, "replica", before + 1)).ShouldBeGreaterThanOrEqualTo(before + 1);
    }

    private static async Task<T> Scalar<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReplicaReplayPaused
{
    /// <summary>Its tests pause the shared replica's replay, so they run alone.</summary>
    public const string Name = "replica replay paused";
}

/// <summary>Reads-your-writes proven where it matters: a replica that certainly lacks the write.</summary>
[Collection(ReplicaReplayPaused.Name)]
public sealed class ReadYourWritesWithLaggingReplicaTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private readonly HttpClient client = api.CreateClient();

    [Fact]
    public async Task While_the_replica_replays_nothing_the_writer_still_reads_their_write_from_the_primary()
    {
        var (_, buyer) = await client.SignUpAsync();
        var product = await api.ProductAsync(stock: 10);
        var behindBefore = await ReplicaMetrics.ReadsAsync(client, "replica-behind");

        await api.Servers.Replica.ScalarAsync<string>("SELECT pg_wal_replay_pause()::text");
        try
        {
            var placed = await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((product, 2)));
            placed.StatusCode.ShouldBe(HttpStatusCode.Created);
            var id = (await placed.JsonAsync()).GetProperty("id").GetInt64();

            var mine = await (await client.GetAsync("/api/v1/users/me/orders", buyer.AccessToken)).JsonAsync();
            mine.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetInt64()).ShouldContain(id);
            (await client.GetAsync($"/api/v1/orders/{id}", buyer.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.OK);

            // The order really is absent from the paused replica: the answers above came from the primary.
            var database = PgBouncerServer.DatabaseOf(api.ConnectionString);
            (await api.Servers.Replica.ScalarAsync<long>($"SELECT count(*) FROM orders WHERE id = {id.ToString(CultureInfo.InvariantCulture)}", database)).ShouldBe(0);
            (await ReplicaMetrics.ReadsReachAsync(client, "replica-behind", behindBefore + 2)).ShouldBeGreaterThanOrEqualTo(behindBefore + 2);
        }
        finally
        {
            await api.Servers.Replica.ScalarAsync<string>("SELECT pg_wal_replay_resume()::text");
        }
    }
}

/// <summary>A replica that cannot be reached: reads fall back to the primary, never a 5xx.</summary>
public sealed class UnreachableReplicaTests(UnreachableReplicaTests.Factory api) : IClassFixture<UnreachableReplicaTests.Factory>
{
    public sealed class Factory : ApiFactory
    {
        public Factory() => Settings["ConnectionStrings:PostgresRead"] =
            $"Host=127.0.0.1;Port={ServerProcess.FreePort().ToString(CultureInfo.InvariantCulture)};Username=vitrine;Database=vitrine";
    }

    private readonly HttpClient client = api.CreateClient();

    [Fact]
    public async Task Orders_and_the_admin_listing_are_read_from_the_primary()
    {
        var (_, buyer) = await client.SignUpAsync();
        var product = await api.ProductAsync(stock: 10);
        var unavailableBefore = await ReplicaMetrics.ReadsAsync(client, "replica-unavailable");
        var placed = await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((product, 1)));
        var id = (await placed.JsonAsync()).GetProperty("id").GetInt64();

        for (var i = 0; i < 5; i++)
        {
            var mine = await client.GetAsync("/api/v1/users/me/orders", buyer.AccessToken);
            mine.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await mine.JsonAsync()).GetProperty("items")[0].GetProperty("id").GetInt64().ShouldBe(id);
            (await client.GetAsync($"/api/v1/orders/{id}", buyer.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var admin = await api.SignInAdminAsync(client);
        var all = await client.GetAsync("/api/v1/admin/orders", admin.AccessToken);
        all.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await all.JsonAsync()).GetProperty("items").EnumerateArray().Select(o => o.GetProperty("id").GetInt64()).ShouldContain(id);
        (await ReplicaMetrics.ReadsReachAsync(client, "replica-unavailable", unavailableBefore + 1)).ShouldBeGreaterThanOrEqualTo(unavailableBefore + 1);
    }
}

/// <summary>Redis, which holds the reads-your-writes positions, is down: reads go to the primary (fail safe).</summary>
public sealed class ReadYourWritesWithoutRedisTests(OwnRedisApiFactory api) : IClassFixture<OwnRedisApiFactory>
{
    [Fact]
    public async Task An_order_placed_and_read_while_redis_is_down_is_read_from_the_primary()
    {
        var client = api.CreateClient();
        var (_, buyer) = await client.SignUpAsync();
        var product = await api.ProductAsync(stock: 10);

        await api.Redis.StopAsync();
        try
        {
            var placed = await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((product, 1)));
            placed.StatusCode.ShouldBe(HttpStatusCode.Created);
            var id = (await placed.JsonAsync()).GetProperty("id").GetInt64();
            var mine = await client.GetAsync("/api/v1/users/me/orders", buyer.AccessToken);
            mine.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await mine.JsonAsync()).GetProperty("items")[0].GetProperty("id").GetInt64().ShouldBe(id);
            (await ReplicaMetrics.ReadsReachAsync(client, "redis-unavailable", 1)).ShouldBeGreaterThanOrEqualTo(1);
        }
        finally
        {
            await api.Redis.StartAsync();
        }
    }
}

internal static class ReplicaMetrics
{
    /// <summary>
    /// Polls (with a deadline) until vitrine_db_reads_total for the reason reaches <paramref name="atLeast"/>: the
    /// Prometheus exporter caches its scrape for a moment, so one read right after the requests may be behind.
    /// </summary>
    public static async Task<double> ReadsReachAsync(HttpClient client, string reason, double atLeast)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var reads = await ReadsAsync(client, reason);
            if (reads >= atLeast || DateTime.UtcNow > deadline)
            {
                return reads;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>vitrine_db_reads_total for one reason, summed over its series, from the API's /metrics.</summary>
    public static async Task<double> ReadsAsync(HttpClient client, string reason)
    {
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return text.Split('\n')
            .Where(line => line.StartsWith("vitrine_db_reads_total{", StringComparison.Ordinal) && line.Contains($"reason=\"{reason}\"", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
    }
}
