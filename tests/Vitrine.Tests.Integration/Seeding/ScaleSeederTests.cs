extern alias cli;

using System.Runtime.Versioning;
using cli::Vitrine.Cli.Commands;
using cli::Vitrine.Cli.Seeding;
using Npgsql;
using Spectre.Console;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Integration.Seeding;

/// <summary>
/// `vitrine seed` against a real PostgreSQL: exact counts on an empty database, a top-up of a database in use (ids with
/// gaps, users and products that are not the seed's, a deleted product), a rerun that changes nothing, an interrupted
/// seed completed by the next one, and a failure reported in one line. Small counts; both ways of writing rows (live
/// indexes, and indexes dropped and rebuilt) are exercised by lowering the bulk threshold.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ScaleSeederTests : IAsyncLifetime
{
    private NpgsqlDataSource dataSource = null!;

    public async Task InitializeAsync()
    {
        var servers = await TestServices.GetAsync();
        dataSource = NpgsqlDataSource.Create(await servers.Postgres.CreateDatabaseAsync("seed"));
    }

    public async Task DisposeAsync() => await dataSource.DisposeAsync();

    [Theory]
    [InlineData(1)]
    [InlineData(1_000_000)]
    public async Task Seeding_an_empty_database_gives_the_exact_counts(long bulkThreshold)
    {
        var report = await SeedAsync(users: 300, products: 120, orders: 900, bulkThreshold: bulkThreshold);

        report.Phases.Single(p => p.Name == "users").Added.ShouldBe(300);
        (await CountAsync("SELECT count(*) FROM users WHERE email::text LIKE 'user%@seed.vitrine.local'")).ShouldBe(300);
        (await CountAsync("SELECT count(*) FROM products")).ShouldBe(120);
        (await CountAsync("SELECT count(*) FROM orders")).ShouldBe(900);
        (await CountAsync("SELECT count(*) FROM order_items")).ShouldBe(1800);
        (await CountAsync("SELECT count(*) FROM users WHERE status = 'disabled' AND email::text LIKE 'user%@seed.vitrine.local'")).ShouldBe(6);
        await ShouldBeConsistentAsync();
    }

    [Fact]
    public async Task Seeded_users_sign_in_with_the_documented_password_at_the_applications_cost()
    {
        await SeedAsync(users: 20, products: 5, orders: 10);

        var hash = await ScalarAsync<string>($"SELECT password_hash FROM users WHERE email = '{ScaleSeeder.Email(7)}'");
        BCrypt.Net.BCrypt.Verify(ScaleSeeder.Password, hash).ShouldBeTrue();
        hash.ShouldStartWith($"$2a${ScaleSeeder.BcryptWorkFactor}$");
        (await ScalarAsync<string>($"SELECT status FROM users WHERE email = '{ScaleSeeder.Email(20)}'")).ShouldBe("active");
    }

    [Fact]
    public async Task Seeded_products_are_found_by_full_text_search_on_the_benchmark_vocabulary()
    {
        await SeedAsync(users: 10, products: 2_000, orders: 10);

        foreach (var word in new[] { "lamp", "kettle", "walnut", "copper", "linen", "backpack", "lantern", "vintage", "leather", "rustic" })
        {
            (await CountAsync($"SELECT count(*) FROM products WHERE search_vector @@ websearch_to_tsquery('english', '{word}')")).ShouldBeGreaterThan(0, word);
        }

        (await CountAsync("SELECT count(*) FROM products WHERE image_key IS NOT NULL")).ShouldBe(0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1_000_000)]
    public async Task Seeding_a_used_database_tops_it_up_without_error(long bulkThreshold)
    {
        // Sign-ups as the API makes them, one of them refused (the unique e-mail), which spends a sequence value.
        await ExecuteAsync("""
            INSERT INTO users (email, password_hash, name, role, status, created_at, updated_at)
            VALUES ('ana@example.com', 'x', 'Ana', 'customer', 'active', now(), now()),
                   ('USER3@seed.vitrine.local', 'x', 'Shouting user three', 'customer', 'active', now(), now()),
                   ('user05@seed.vitrine.local', 'x', 'Not user five', 'customer', 'active', now(), now());
            """);
        await Should.ThrowAsync<PostgresException>(() => ExecuteAsync("""
            INSERT INTO users (email, password_hash, name, role, status, created_at, updated_at)
            VALUES ('Ana@Example.com', 'x', 'Ana again', 'customer', 'active', now(), now())
            """));
        await ExecuteAsync("""
            SELECT nextval('users_id_seq') FROM generate_series(1, 25);
            INSERT INTO users (email, password_hash, name, role, status, created_at, updated_at)
            VALUES ('bruno@example.com', 'x', 'Bruno', 'customer', 'active', now(), now());
            INSERT INTO categories (slug, name) VALUES ('curios', 'Curiosities');
            INSERT INTO products (name, description, price_cents, currency, stock, category_id, created_at, updated_at)
            SELECT 'Curio ' || g, 'Not the seed''s', 500, CASE WHEN g % 2 = 0 THEN 'EUR' ELSE 'USD' END, 3,
                   (SELECT id FROM categories WHERE slug = 'curios'), now(), now()
            FROM generate_series(1, 6) g;
            DELETE FROM products WHERE name = 'Curio 3';
            SELECT nextval('products_id_seq') FROM generate_series(1, 40);
            """);

        var report = await SeedAsync(users: 200, products: 80, orders: 700, bulkThreshold: bulkThreshold);

        report.Phases.Single(p => p.Name == "users").Added.ShouldBe(199);
        (await CountAsync("SELECT count(*) FROM users WHERE lower(email::text) ~ '^user[1-9][0-9]*@seed\\.vitrine\\.local$'")).ShouldBe(200);
        (await CountAsync("SELECT count(*) FROM users WHERE email::text IN ('ana@example.com', 'bruno@example.com', 'USER3@seed.vitrine.local', 'user05@seed.vitrine.local')")).ShouldBe(4);
        (await CountAsync("SELECT count(*) FROM products")).ShouldBe(80);
        (await CountAsync("SELECT count(*) FROM orders")).ShouldBe(700);
        (await CountAsync("SELECT count(*) FROM order_items i JOIN products p ON p.id = i.product_id WHERE p.currency <> 'USD'")).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM orders o JOIN users u ON u.id = o.user_id WHERE u.email::text NOT LIKE 'user%@seed.vitrine.local'")).ShouldBe(0);
        await ShouldBeConsistentAsync();
    }

    [Fact]
    public async Task A_rerun_is_a_no_op()
    {
        await SeedAsync(users: 150, products: 60, orders: 400, bulkThreshold: 1);
        var before = await FingerprintAsync();

        var report = await SeedAsync(users: 150, products: 60, orders: 400, bulkThreshold: 1);

        report.Phases.Where(p => p.Name != "analyze").ShouldAllBe(p => p.Added == 0);
        (await FingerprintAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task A_smaller_earlier_seed_is_completed()
    {
        await SeedAsync(users: 40, products: 200, orders: 100);
        await ExecuteAsync("""
            SELECT nextval('users_id_seq') FROM generate_series(1, 7);
            INSERT INTO users (email, password_hash, name, role, status, created_at, updated_at)
            VALUES ('carla@example.com', 'x', 'Carla', 'customer', 'active', now(), now());
            """);

        var report = await SeedAsync(users: 250, products: 90, orders: 600, bulkThreshold: 1);

        report.Phases.Single(p => p.Name == "users").Added.ShouldBe(210);
        report.Phases.Single(p => p.Name == "products").Added.ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM users WHERE email::text LIKE 'user%@seed.vitrine.local'")).ShouldBe(250);
        (await CountAsync("SELECT count(*) FROM products")).ShouldBe(200);
        (await CountAsync("SELECT count(*) FROM orders")).ShouldBe(600);
        await ShouldBeConsistentAsync();
    }

    [Fact]
    public async Task A_cancelled_seed_keeps_nothing_of_the_unfinished_table_and_the_next_one_completes_it()
    {
        // An open transaction holding order_items makes the orders phase wait, so the cancellation lands inside it
        // (or earlier, on a slow machine: either way nothing half-written may stay).
        await using (var blocker = await dataSource.OpenConnectionAsync())
        {
            await using var transaction = await blocker.BeginTransactionAsync();
            await using (var hold = new NpgsqlCommand("LOCK TABLE order_items IN SHARE MODE", blocker, transaction))
            {
                await hold.ExecuteNonQueryAsync();
            }

            using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await Should.ThrowAsync<OperationCanceledException>(() => SeedAsync(users: 120, products: 50, orders: 300, cancellationToken: cancellation.Token));
            (await CountAsync("SELECT count(*) FROM orders")).ShouldBe(0);
            (await CountAsync("SELECT count(*) FROM order_items")).ShouldBe(0);
        }

        await SeedAsync(users: 120, products: 50, orders: 300);

        (await CountAsync("SELECT count(*) FROM users WHERE email::text LIKE 'user%@seed.vitrine.local'")).ShouldBe(120);
        (await CountAsync("SELECT count(*) FROM products")).ShouldBe(50);
        (await CountAsync("SELECT count(*) FROM orders")).ShouldBe(300);
        await ShouldBeConsistentAsync();
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=1;Username=vitrine;Database=nowhere;Timeout=5", 1)]
    [InlineData("Host=127.0.0.1;Bogus Key=1", 2)]
    public async Task A_bad_connection_is_one_clear_line_and_a_non_zero_exit(string connection, int exitCode)
    {
        var error = new StringWriter();

        var code = await SeedCommand.RunAsync(10, 10, 10, 42, connection, QuietConsole(), error, CancellationToken.None);

        code.ShouldBe(exitCode);
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(1);
        lines[0].ShouldStartWith("seed: ");
        lines[0].ShouldNotContain("Exception");
    }

    [Fact]
    public async Task A_database_without_the_schema_is_one_clear_line()
    {
        var servers = await TestServices.GetAsync();
        var database = $"seed_empty_{Guid.NewGuid():N}";
        await servers.Postgres.ExecuteAsync("postgres", $"CREATE DATABASE {database}");
        var error = new StringWriter();

        var code = await SeedCommand.RunAsync(10, 10, 10, 42, servers.Postgres.ConnectionString(database), QuietConsole(), error, CancellationToken.None);

        code.ShouldBe(1);
        error.ToString().Trim().ShouldBe("seed: the database has no Vitrine schema: run ./vitrine migrate (./vitrine up does) first.");
    }

    private async Task<SeedReport> SeedAsync(long users, long products, long orders, long bulkThreshold = 50_000, CancellationToken cancellationToken = default) =>
        await new ScaleSeeder(dataSource, 42, QuietConsole()) { BulkThreshold = bulkThreshold }.RunAsync(users, products, orders, cancellationToken);

    private static IAnsiConsole QuietConsole() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.No,
        Interactive = InteractionSupport.No,
        Out = new AnsiConsoleOutput(new StringWriter()),
    });

    /// <summary>What real data guarantees: every reference resolves, totals are their items', snapshots match, and
    /// every constraint and index the schema declares is there and valid.</summary>
    private async Task ShouldBeConsistentAsync()
    {
        (await CountAsync("SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = o.user_id)")).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM order_items i WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.id = i.product_id)")).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM order_items i WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = i.order_id AND o.created_at = i.order_created_at)")).ShouldBe(0);
        (await CountAsync("""
            SELECT count(*) FROM orders o
            WHERE o.total_cents <> (SELECT coalesce(sum(i.quantity * i.unit_price_cents), 0) FROM order_items i WHERE i.order_id = o.id AND i.order_created_at = o.created_at)
               OR NOT EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = o.id)
            """)).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM order_items i JOIN products p ON p.id = i.product_id WHERE i.name <> p.name OR i.unit_price_cents <> p.price_cents")).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM (SELECT id FROM orders GROUP BY id HAVING count(*) > 1) d")).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM orders WHERE id > (SELECT last_value FROM orders_id_seq)")).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM orders WHERE created_at > now() OR created_at < now() - interval '25 months'")).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM pg_constraint WHERE NOT convalidated")).ShouldBe(0);
        (await CountAsync("SELECT count(*) FROM pg_index WHERE NOT indisvalid")).ShouldBe(0);
        (await CountAsync("""
            SELECT count(*) FROM pg_indexes
            WHERE tablename IN ('users', 'products', 'orders', 'order_items')
              AND indexname IN ('ix_users_email', 'idx_users_email_status', 'idx_active_users', 'idx_products_search', 'idx_products_name_trgm',
                                'ix_products_category_id', 'idx_orders_user_created', 'ix_orders_status_created_at',
                                'ix_order_items_order_id_order_created_at', 'ix_order_items_product_id')
            """)).ShouldBe(10);
        (await CountAsync("""
            SELECT count(*) FROM pg_constraint
            WHERE conparentid = 0 AND conname IN ('fk_orders_users_user_id', 'fk_order_items_orders_order_id_order_created_at', 'fk_order_items_products_product_id')
            """)).ShouldBe(3);
        (await CountAsync("SELECT count(*) FROM products WHERE search_vector = ''::tsvector")).ShouldBe(0);
    }

    private async Task<string> FingerprintAsync() => await ScalarAsync<string>("""
        SELECT concat_ws(' ', (SELECT count(*) FROM users), (SELECT max(id) FROM users), (SELECT count(*) FROM products),
                         (SELECT max(id) FROM products), (SELECT count(*) FROM orders), (SELECT max(id) FROM orders),
                         (SELECT count(*) FROM order_items), (SELECT sum(total_cents) FROM orders), (SELECT last_value FROM orders_id_seq))
        """);

    private async Task<long> CountAsync(string sql) => await ScalarAsync<long>(sql);

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
