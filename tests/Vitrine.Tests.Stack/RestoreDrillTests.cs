using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Vitrine.Tests.Stack;

/// <summary>
/// The restore drill, on a stack of its own as a user runs it: orders are placed and a backup taken, a moment T is
/// noted, more orders are placed and a product is deleted, then `./vitrine restore --to T`. Exactly the orders up to
/// T exist, the product is back, stock matches the orders, an idempotency key from before T still replays its
/// order, and the rebuilt read replica and the API serve the restored data.
/// </summary>
public sealed class RestoreDrillTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly VitrineCli cli = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await cli.RunAsync("down", "--purge");

    [Fact]
    public async Task Restoring_to_a_moment_brings_back_exactly_the_data_of_that_moment()
    {
        var (exit, output) = await cli.RunAsync("up", "--api", "1", "--web", "1", "--timeout", "300");
        exit.ShouldBe(0, output);
        (exit, output) = await cli.RunAsync("backup", "--type", "full");
        exit.ShouldBe(0, output);
        output.ShouldContain("Backup done");

        var status = await cli.StatusAsync();
        var primary = VitrineCli.ToNpgsql(status.Single(c => c.Kind == "postgres").Url);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{cli.Port(StackPorts.Api)}") };
        var adminToken = await StackApi.AdminTokenAsync(http, cli);
        var category = await ScalarAsync<string>(primary, "SELECT slug FROM categories ORDER BY id LIMIT 1");
        var sold = await StackApi.CreateProductAsync(http, adminToken, "Drill kettle", stock: 50, category, "For the restore drill.");
        var doomed = await StackApi.CreateProductAsync(http, adminToken, "Drill teapot", stock: 5, category, "For the restore drill.");

        var email = $"drill-{Guid.NewGuid():N}@example.com";
        (await http.PostAsJsonAsync(new Uri("/api/v1/auth/register", UriKind.Relative), new { email, password = Password, name = "Drill" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var buyer = await StackApi.LoginAsync(http, email, Password);

        var firstKey = Guid.NewGuid().ToString();
        var before = new List<long>
        {
            (await PlaceAsync(http, buyer, sold, quantity: 2, firstKey)).Id,
            (await PlaceAsync(http, buyer, sold, quantity: 3, Guid.NewGuid().ToString())).Id,
        };

        // T is the database's own clock after those commits: no machine clock skew between the test and PostgreSQL.
        var moment = await ScalarAsync<DateTime>(primary, "SELECT clock_timestamp()");
        var target = new DateTimeOffset(DateTime.SpecifyKind(moment, DateTimeKind.Utc)).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        await ScalarAsync<DateTime>(primary, "SELECT clock_timestamp() FROM pg_sleep(0.01)"); // the next commits are strictly after T

        var after = (await PlaceAsync(http, buyer, sold, quantity: 4, Guid.NewGuid().ToString())).Id;
        using (var delete = new HttpRequestMessage(HttpMethod.Delete, new Uri($"/api/v1/products/{doomed}", UriKind.Relative)))
        {
            delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
            (await http.SendAsync(delete)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        (await CountAsync(primary, $"SELECT count(*) FROM products WHERE id = {doomed}")).ShouldBe(0);

        (exit, output) = await cli.RunAsync("restore", "--to", target);
        exit.ShouldBe(0, output);
        output.ShouldContain("Restored to");

        // Exactly the orders up to T, none after; the deleted product is back; stock is what the kept orders left.
        var orders = await ListAsync(primary, $"SELECT o.id FROM orders o JOIN users u ON u.id = o.user_id WHERE u.email = '{email}' ORDER BY o.id");
        orders.ShouldBe(before);
        orders.ShouldNotContain(after);
        (await CountAsync(primary, $"SELECT count(*) FROM products WHERE id = {doomed}")).ShouldBe(1);
        (await CountAsync(primary, $"SELECT stock FROM products WHERE id = {sold}")).ShouldBe(50 - 2 - 3);
        (await CountAsync(primary, $"SELECT coalesce(sum(quantity), 0) FROM order_items WHERE product_id = {sold}")).ShouldBe(2 + 3);

        // Every component is back and healthy; the API answers from the restored database (the cache was emptied).
        var restored = await cli.StatusAsync();
        restored.ShouldAllBe(c => c.Healthy, JsonSerializer.Serialize(restored));
        (await http.GetAsync(new Uri($"/api/v1/products/{doomed}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The idempotency key from before T still replays its order, and it is the same order.
        var replay = await PlaceAsync(http, buyer, sold, quantity: 2, firstKey);
        replay.Id.ShouldBe(before[0]);
        replay.Replayed.ShouldBeTrue();
        (await CountAsync(primary, $"SELECT stock FROM products WHERE id = {sold}")).ShouldBe(50 - 2 - 3);

        // The read replica was made again from the restored primary and follows it.
        var replica = VitrineCli.ToNpgsql(restored.Single(c => c.Kind == "postgres-replica").Url);
        (await ListAsync(replica, $"SELECT o.id FROM orders o JOIN users u ON u.id = o.user_id WHERE u.email = '{email}' ORDER BY o.id")).ShouldBe(before);
        var streaming = DateTime.UtcNow.AddSeconds(90);
        while (await CountAsync(primary, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") != 1)
        {
            if (DateTime.UtcNow > streaming)
            {
                var senders = await ListTextAsync(primary, "SELECT concat_ws(' ', application_name, state, sent_lsn, replay_lsn) FROM pg_stat_replication");
                var (_, log) = await cli.RunAsync("logs", "postgres-replica", "-n", "30");
                Assert.Fail($"the rebuilt replica does not stream from the primary within 90 s; senders: [{string.Join("; ", senders)}]\n{log}");
            }

            await Task.Delay(200);
        }

        // A time without an offset, or in the future, is refused before anything stops.
        (exit, output) = await cli.RunAsync("restore", "--to", "2026-12-02 10:15:30");
        exit.ShouldBe(2, output);
        (exit, output) = await cli.RunAsync("restore", "--to", DateTimeOffset.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture));
        exit.ShouldBe(2, output);
        output.ShouldContain("in the future");
    }

    private static async Task<(long Id, bool Replayed)> PlaceAsync(HttpClient http, string token, long product, int quantity, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/orders", UriKind.Relative))
        {
            Content = JsonContent.Create(new { items = new[] { new { productId = product, quantity } } }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Idempotency-Key", key);
        using var placed = await http.SendAsync(request);
        placed.StatusCode.ShouldBe(HttpStatusCode.Created, await placed.Content.ReadAsStringAsync());
        var replayed = placed.Headers.TryGetValues("Idempotent-Replayed", out var values) && values.Single() == "true";
        return ((await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64(), replayed);
    }

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> CountAsync(string connectionString, string sql) => Convert.ToInt64(await ScalarAsync<object>(connectionString, sql), CultureInfo.InvariantCulture);

    private static async Task<List<string>> ListTextAsync(string connectionString, string sql)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    private static async Task<List<long>> ListAsync(string connectionString, string sql)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var command = db.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<long>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }
}
