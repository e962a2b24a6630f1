using Npgsql;
using Vitrine.Data;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Integration.Data;

public sealed class SchemaTests : IAsyncLifetime
{
    private NpgsqlDataSource dataSource = null!;

    public async Task InitializeAsync()
    {
        var servers = await TestServices.GetAsync();
        dataSource = NpgsqlDataSource.Create(await servers.Postgres.CreateDatabaseAsync("schema"));
    }

    public async Task DisposeAsync() => await dataSource.DisposeAsync();

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Orders_are_range_partitioned_on_created_at()
    {
        var strategy = await ScalarAsync<string>("""
            SELECT pg_get_partkeydef('orders'::regclass)
            """);
        strategy.ShouldBe("RANGE (created_at)");
    }

    [Fact]
    public async Task Monthly_partitions_exist_for_history_and_three_months_ahead()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        foreach (var month in new[] { today.AddMonths(-OrderPartitions.MonthsBack), today, today.AddMonths(3) })
        {
            var name = $"orders_{month:yyyy_MM}";
            (await ScalarAsync<bool>($"SELECT to_regclass('{name}') IS NOT NULL")).ShouldBeTrue(name);
        }
    }

    [Fact]
    public async Task Partition_maintenance_is_idempotent_and_extends_the_horizon()
    {
        var clock = TimeProvider.System;
        (await OrderPartitions.MaintainAsync(dataSource, clock)).ShouldBe(0);
        var far = DateOnly.FromDateTime(DateTime.UtcNow).AddMonths(8);
        (await OrderPartitions.EnsureAsync(dataSource, far, far)).ShouldBe(1);
        (await OrderPartitions.EnsureAsync(dataSource, far, far)).ShouldBe(0);
        (await ScalarAsync<bool>($"SELECT to_regclass('orders_{far:yyyy_MM}') IS NOT NULL")).ShouldBeTrue();
    }

    [Fact]
    public async Task Concurrent_partition_maintenance_never_fails()
    {
        var far = DateOnly.FromDateTime(DateTime.UtcNow).AddMonths(12);
        var runs = Enumerable.Range(0, 6).Select(_ => OrderPartitions.EnsureAsync(dataSource, far, far.AddMonths(2)));
        var created = await Task.WhenAll(runs);
        created.Sum().ShouldBe(3);
    }

    [Theory]
    [InlineData("idx_users_email_status")]
    [InlineData("idx_active_users")]
    [InlineData("idx_orders_user_created")]
    [InlineData("idx_products_search")]
    public async Task The_seeds_indexes_exist(string index)
    {
        (await ScalarAsync<bool>($"SELECT to_regclass('{index}') IS NOT NULL")).ShouldBeTrue();
    }

    [Fact]
    public async Task Orders_index_is_user_then_created_at_descending()
    {
        var definition = await ScalarAsync<string>("SELECT pg_get_indexdef('idx_orders_user_created'::regclass)");
        definition.ShouldContain("(user_id, created_at DESC)");
    }

    [Fact]
    public async Task Email_is_unique_regardless_of_case()
    {
        await ExecuteAsync("INSERT INTO users (email, password_hash, name, role, status, created_at, updated_at) VALUES ('Ana@Example.com', 'x', 'Ana', 'customer', 'active', now(), now())");
        var duplicate = await Should.ThrowAsync<PostgresException>(() =>
            ExecuteAsync("INSERT INTO users (email, password_hash, name, role, status, created_at, updated_at) VALUES ('ana@example.COM', 'x', 'Ana', 'customer', 'active', now(), now())"));
        duplicate.SqlState.ShouldBe(PostgresErrorCodes.UniqueViolation);
    }

    [Theory]
    [InlineData("stock", "-1", "ck_products_stock")]
    [InlineData("price_cents", "-1", "ck_products_price")]
    public async Task Products_refuse_negative_stock_and_price(string column, string value, string constraint)
    {
        await ExecuteAsync("INSERT INTO categories (slug, name) VALUES ('c-" + column + "', 'C') ON CONFLICT DO NOTHING");
        var values = new Dictionary<string, string> { ["stock"] = "1", ["price_cents"] = "1" };
        values[column] = value;
        var error = await Should.ThrowAsync<PostgresException>(() => ExecuteAsync($"""
            INSERT INTO products (name, description, price_cents, currency, stock, category_id, created_at, updated_at)
            SELECT 'p', 'd', {values["price_cents"]}, 'USD', {values["stock"]}, id, now(), now() FROM categories WHERE slug = 'c-{column}'
            """));
        error.SqlState.ShouldBe(PostgresErrorCodes.CheckViolation);
        error.ConstraintName.ShouldBe(constraint);
    }

    [Fact]
    public async Task Order_items_refuse_a_zero_quantity()
    {
        var constraint = await ScalarAsync<string>("""
            SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'ck_order_items_quantity'
            """);
        constraint.ShouldBe("CHECK ((quantity > 0))");
    }

    [Fact]
    public async Task Product_search_vector_is_generated_from_name_and_description()
    {
        var generated = await ScalarAsync<string>("""
            SELECT attgenerated::text FROM pg_attribute WHERE attrelid = 'products'::regclass AND attname = 'search_vector'
            """);
        generated.ShouldBe("s");
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
