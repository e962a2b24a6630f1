using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Npgsql;

namespace Vitrine.Tests.Stack;

/// <summary>
/// The foundation issue's acceptance check, run as a user would: `./vitrine up` reaches a healthy stack that serves
/// demo products, `status --json` describes it, `down` leaves nothing running, and the next `up` keeps the data.
/// </summary>
public sealed class UpAndDownTests : IAsyncLifetime
{
    private readonly VitrineCli cli = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await cli.RunAsync("down", "--purge");
    }

    [Fact]
    public async Task Up_serves_the_catalog_down_stops_everything_and_the_next_up_keeps_the_data()
    {
        var (exit, output) = await cli.RunAsync("up", "--api", "1", "--web", "1", "--timeout", "300");
        exit.ShouldBe(0, output);
        output.ShouldContain("admin@vitrine.local");

        var status = await StatusAsync();
        status.ShouldAllBe(component => component.Healthy, JsonSerializer.Serialize(status));
        status.Select(c => c.Kind).ShouldBe(
            ["postgres", "postgres-replica", "pgbouncer", "redis-cache", "redis-durable", "api", "web", "lb", "prometheus", "alertmanager", "node-exporter", "dashboard"], ignoreOrder: true);
        status.ShouldAllBe(component => component.Pid > 0);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{cli.Port(StackPorts.Api)}") };
        (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var products = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/v1/products?page=1&pageSize=20", UriKind.Relative))).RootElement;
        products.GetProperty("items").GetArrayLength().ShouldBe(20);
        (await http.GetStringAsync(new Uri("/metrics", UriKind.Relative))).ShouldContain("http_server_request_duration_seconds");

        // The postgres URL from status --json is one psql (and Npgsql) accepts.
        var postgresUrl = status.Single(c => c.Kind == "postgres").Url;
        postgresUrl.ShouldStartWith("postgresql://");
        var admin = await File.ReadAllTextAsync(Path.Combine(cli.StateDirectory, "secrets", "admin.json"));
        await using (var db = NpgsqlDataSource.Create(ToNpgsql(postgresUrl)))
        {
            await using var mark = db.CreateCommand("INSERT INTO categories (slug, name) VALUES ('kept-across-restarts', 'Kept')");
            await mark.ExecuteNonQueryAsync();
            await using var partitions = db.CreateCommand("SELECT count(*) FROM pg_inherits WHERE inhparent = 'orders'::regclass");
            ((long)(await partitions.ExecuteScalarAsync())!).ShouldBeGreaterThanOrEqualTo(28);
        }

        (exit, output) = await cli.RunAsync("up");
        exit.ShouldBe(0, output);
        output.ShouldContain("already running");

        (exit, output) = await cli.RunAsync("down");
        exit.ShouldBe(0, output);
        cli.LiveProcesses().ShouldBeEmpty();

        (exit, output) = await cli.RunAsync("up", "--api", "1", "--web", "1", "--timeout", "300");
        exit.ShouldBe(0, output);
        output.ShouldNotContain("shown once");
        (await File.ReadAllTextAsync(Path.Combine(cli.StateDirectory, "secrets", "admin.json"))).ShouldBe(admin);
        await using (var db = NpgsqlDataSource.Create(ToNpgsql(postgresUrl)))
        {
            await using var kept = db.CreateCommand("SELECT count(*) FROM categories WHERE slug = 'kept-across-restarts'");
            ((long)(await kept.ExecuteScalarAsync())!).ShouldBe(1);
        }

        (exit, output) = await cli.RunAsync("down", "--purge");
        exit.ShouldBe(0, output);
        cli.LiveProcesses().ShouldBeEmpty();
        Directory.Exists(cli.StateDirectory).ShouldBeFalse();
    }

    [Fact]
    public async Task Up_works_when_the_postgres_user_cannot_reach_the_checkout()
    {
        var locked = new VitrineCli(lockedParent: true);
        try
        {
            var (exit, output) = await locked.RunAsync("up", "--api", "1", "--web", "1", "--timeout", "300");
            exit.ShouldBe(0, output);
            var link = new DirectoryInfo(Path.Combine(locked.StateDirectory, "postgres"));
            link.LinkTarget.ShouldNotBeNull();
            link.LinkTarget.ShouldStartWith("/var/lib/vitrine/");

            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{locked.Port(StackPorts.Api)}") };
            (await http.GetAsync(new Uri("/api/v1/products?pageSize=5", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);

            (exit, output) = await locked.RunAsync("down", "--purge");
            exit.ShouldBe(0, output);
            locked.LiveProcesses().ShouldBeEmpty();
            Directory.Exists(link.LinkTarget).ShouldBeFalse();
            Directory.Exists(Path.GetDirectoryName(link.LinkTarget)).ShouldBeFalse(); // nginx's caches beside it too
        }
        finally
        {
            await locked.RunAsync("down", "--purge");
        }
    }

    [Fact]
    public async Task A_port_in_use_is_named_with_the_setting_that_moves_it()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, cli.Port(StackPorts.Postgres));
        squatter.Start();

        var (exit, output) = await cli.RunAsync("up");

        exit.ShouldBe(1);
        output.ShouldContain($"Port {cli.Port(StackPorts.Postgres)} (PostgreSQL) is in use");
        output.ShouldContain("VITRINE_POSTGRES_PORT");
    }

    private Task<List<StackComponent>> StatusAsync() => cli.StatusAsync();

    private static string ToNpgsql(string url) => VitrineCli.ToNpgsql(url);
}
