using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Spectre.Console;
using Vitrine.Data;
using static System.FormattableString;

namespace Vitrine.Cli.Seeding;

/// <summary>
/// Fills a Vitrine database at the seed's scale with set-based SQL run by PostgreSQL itself (INSERT … SELECT over
/// generate_series, every "random" choice a hashint8extended of the row's ordinal, so a seed gives the same rows), and
/// tops up a database that is already in use:
/// <list type="bullet">
/// <item>users: <c>user1…userN@seed.vitrine.local</c> exist afterwards (whatever else the table holds), sharing one
/// precomputed bcrypt hash of <see cref="Password"/>;</item>
/// <item>products and orders: the tables hold at least the requested number of rows; orders (two items each, totals
/// from their items) reference the seeded users and the products that really exist, over the last 24 months of
/// partitions.</item>
/// </list>
/// Each table is one transaction: an interrupted seed leaves the finished tables and none of the unfinished one, and
/// the next run completes it.
/// </summary>
public sealed class ScaleSeeder(NpgsqlDataSource dataSource, int seed, IAnsiConsole console)
{
    /// <summary>Every seeded user's password (documented in the README so load tests can log in as any of them).</summary>
    public const string Password = "vitrine-seed-password";

    public const string EmailDomain = "seed.vitrine.local";

    /// <summary>The application's bcrypt cost (Accounts:BcryptWorkFactor, the seed's 10): a different cost would make
    /// every seeded user's first login re-hash the password.</summary>
    public const int BcryptWorkFactor = 10;

    /// <summary>From this many new rows (and at least a quarter of the table) on, a table's secondary indexes are dropped
    /// and rebuilt in the same transaction, several times faster than keeping them up to date row by row; below it,
    /// rows go in through the live indexes. Tests lower it to run both ways on small counts.</summary>
    public long BulkThreshold { get; init; } = 50_000;

    public static string Email(long n) => $"user{n}@{EmailDomain}";

    /// <summary>Every 50th seeded user is disabled (so disabled accounts exist at scale); load tests skip them.</summary>
    public static bool IsDisabled(long n) => n % 50 == 0;

    private static readonly string[] Adjectives =
    [
        "amber", "ancient", "arctic", "autumn", "bold", "brisk", "bright", "calm", "classic", "coastal", "compact", "cozy",
        "crimson", "crisp", "daily", "dusky", "eager", "early", "elegant", "emerald", "everyday", "faded", "fine", "frosty",
        "gentle", "golden", "grand", "handmade", "hazel", "hidden", "honest", "humble", "indigo", "ivory", "jade", "jolly",
        "keen", "kind", "lively", "lucky", "lunar", "mellow", "midnight", "mighty", "minimal", "misty", "modern", "noble",
        "nordic", "olive", "pale", "plain", "polished", "portable", "quiet", "rapid", "royal", "rugged", "rustic", "scarlet",
        "silent", "silver", "simple", "sleek", "smoky", "snowy", "solar", "sturdy", "sunny", "swift", "tidy", "urban",
        "velvet", "vintage", "vivid", "warm", "wild", "windy", "woven", "young", "zesty",
    ];

    private static readonly string[] Materials =
    [
        "oak", "walnut", "maple", "cherry", "birch", "teak", "bamboo", "cork", "ceramic", "porcelain", "stoneware", "glass",
        "crystal", "copper", "brass", "bronze", "steel", "iron", "aluminium", "titanium", "linen", "cotton", "wool",
        "cashmere", "silk", "denim", "canvas", "leather", "suede", "felt", "rattan", "wicker", "marble", "granite", "slate",
        "concrete", "resin", "rubber", "hemp", "jute",
    ];

    private static readonly string[] Nouns =
    [
        "lamp", "vase", "cushion", "blanket", "mirror", "candle", "clock", "rug", "kettle", "teapot", "skillet", "knife",
        "board", "mug", "bowl", "grinder", "tent", "backpack", "lantern", "hammock", "bottle", "compass", "stove", "notebook",
        "journal", "sketchbook", "atlas", "headphones", "speaker", "turntable", "radio", "microphone", "jacket", "sweater",
        "scarf", "beanie", "shirt", "raincoat", "gloves", "socks", "desk", "chair", "pen", "stapler", "organizer", "bookend",
        "puzzle", "kite", "yo-yo", "spinner", "basket", "tray", "planter", "shelf", "stool", "bench", "wallet", "watch",
        "umbrella", "towel", "apron", "coaster", "jar", "pitcher", "ladle", "whisk", "colander", "thermos", "satchel", "tote",
    ];

    private static readonly string[] Phrases =
    [
        "built to last for years of daily use", "a favourite of our customers", "designed in small batches",
        "easy to clean and care for", "made from responsibly sourced materials", "light enough to take anywhere",
        "a thoughtful gift for someone special", "finished by hand", "tested on long journeys", "made to be repaired",
        "inspired by mid-century design", "quiet, sturdy and dependable", "for kitchens that work hard",
        "perfect for small apartments", "weatherproof and rugged", "soft to the touch",
    ];

    private static readonly string[] FirstNames = ["Ana", "Bruno", "Carla", "Davi", "Elena", "Felipe", "Gabi", "Hugo", "Iris", "João", "Kai", "Lia", "Mateus", "Nina", "Otto", "Paula"];

    private static readonly (string Slug, string Name)[] Categories =
    [
        ("home", "Home & Living"), ("kitchen", "Kitchen"), ("outdoors", "Outdoors"), ("books", "Books"),
        ("audio", "Audio"), ("apparel", "Apparel"), ("office", "Office"), ("toys", "Toys & Games"),
    ];

    /// <summary>Weighted like a shop's history: most orders delivered, a few pending or cancelled.</summary>
    private static readonly string[] Statuses = ["pending", "paid", "paid", "shipped", "delivered", "delivered", "delivered", "cancelled"];

    public async Task<SeedReport> RunAsync(long users, long products, long orders, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, """
            SET synchronous_commit = off;
            SET maintenance_work_mem = '1GB';
            SET work_mem = '256MB';
            """, cancellationToken);
        if (await ScalarAsync(connection, "SELECT to_regclass('order_items') IS NULL", cancellationToken) is true)
        {
            throw new SeedRefusedException("the database has no Vitrine schema: run ./vitrine migrate (./vitrine up does) first.");
        }

        var phases = new List<SeedPhase>();
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var userTask = progress.AddTask("users", maxValue: 1);
                var productTask = progress.AddTask("products", maxValue: 1);
                var orderTask = progress.AddTask("orders + items", maxValue: 1);
                var analyzeTask = progress.AddTask("analyze", maxValue: 1);
                phases.Add(await SeedUsersAsync(connection, users, userTask, cancellationToken));
                phases.Add(await SeedProductsAsync(connection, products, productTask, cancellationToken));
                phases.Add(await SeedOrdersAsync(connection, orders, orderTask, cancellationToken));

                var clock = Stopwatch.StartNew();
                if (phases.Any(p => p.Added > 0))
                {
                    // Fresh statistics, or the planner would plan the first queries for the tables it saw before.
                    await ExecuteAsync(connection, "ANALYZE users, products, orders, order_items", cancellationToken);
                }

                analyzeTask.Value = 1;
                phases.Add(new SeedPhase("analyze", 0, clock.Elapsed) { Outcome = phases.Any(p => p.Added > 0) ? "done" : "skipped" });
            });
        return new SeedReport(phases);
    }

    private async Task<SeedPhase> SeedUsersAsync(NpgsqlConnection connection, long target, ProgressTask task, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // No sign-up can slip in between counting and inserting (reads go on).
        await ExecuteAsync(connection, "LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE", cancellationToken);

        // The seeded numbers already present, whoever made them: citext compares case-insensitively, so USER7@… is user7.
        await ExecuteAsync(connection, Invariant($"""
            CREATE TEMP TABLE seed_present_users ON COMMIT DROP AS
            SELECT DISTINCT substring(lower(email::text) FROM '^user([1-9][0-9]{"{0,17}"})@seed\.vitrine\.local$')::bigint AS n
            FROM users
            WHERE lower(email::text) LIKE 'user%@{EmailDomain}';
            DELETE FROM seed_present_users WHERE n IS NULL OR n > {target};
            """), cancellationToken);
        var present = await CountAsync(connection, "SELECT count(*) FROM seed_present_users", cancellationToken);
        var missing = target - present;
        if (missing <= 0)
        {
            await transaction.CommitAsync(cancellationToken);
            task.Value = task.MaxValue;
            return new SeedPhase("users", 0, clock.Elapsed);
        }

        var total = await CountAsync(connection, "SELECT count(*) FROM users", cancellationToken);
        var rebuilt = IsBulk(missing, total) ? await DropSecondaryIndexesAsync(connection, "users", cancellationToken) : [];
        task.MaxValue = rebuilt.Count + 1;

        // One bcrypt hash at the application's cost, shared by every seeded user: hashing a million would take hours.
        // Rows go in ordered by e-mail, so the rebuilt citext indexes sort a presorted heap.
        var hash = BCrypt.Net.BCrypt.HashPassword(Password, workFactor: BcryptWorkFactor);
        await using (var insert = new NpgsqlCommand(Invariant($"""
            INSERT INTO users (email, password_hash, name, role, status, created_at, updated_at)
            SELECT u.email, @hash, u.name, 'customer', u.status, u.created_at, u.created_at
            FROM (
                SELECT 'user' || g.n || '@{EmailDomain}' AS email,
                       (@first_names)[1 + {Hash("g.n", 1, FirstNames.Length)}] || ' ' || g.n AS name,
                       CASE WHEN g.n % 50 = 0 THEN 'disabled' ELSE 'active' END AS status,
                       @since - {Hash("g.n", 2, 365 * 86_400)} * interval '1 second' AS created_at
                FROM generate_series(1::bigint, {target}::bigint) AS g(n)
                WHERE NOT EXISTS (SELECT 1 FROM seed_present_users p WHERE p.n = g.n)
            ) u
            ORDER BY u.email COLLATE "C"
            """), connection) { CommandTimeout = 0 })
        {
            insert.Parameters.AddWithValue("hash", hash);
            insert.Parameters.AddWithValue("first_names", FirstNames);
            insert.Parameters.AddWithValue("since", HistoryStart().AddDays(-1));
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        task.Increment(1);
        await RecreateIndexesAsync(connection, rebuilt, task, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new SeedPhase("users", missing, clock.Elapsed);
    }

    private async Task<SeedPhase> SeedProductsAsync(NpgsqlConnection connection, long target, ProgressTask task, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, "LOCK TABLE products IN SHARE ROW EXCLUSIVE MODE", cancellationToken);
        var existing = await CountAsync(connection, "SELECT count(*) FROM products", cancellationToken);
        var missing = target - existing;
        if (missing <= 0)
        {
            await transaction.CommitAsync(cancellationToken);
            task.Value = task.MaxValue;
            return new SeedPhase("products", 0, clock.Elapsed);
        }

        await using (var categories = new NpgsqlCommand("""
            INSERT INTO categories (slug, name) SELECT * FROM unnest(@slugs, @names) ON CONFLICT (slug) DO NOTHING;
            CREATE TEMP TABLE seed_categories ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY id) AS rn, id FROM categories;
            """, connection) { CommandTimeout = 0 })
        {
            categories.Parameters.AddWithValue("slugs", Categories.Select(c => c.Slug).ToArray());
            categories.Parameters.AddWithValue("names", Categories.Select(c => c.Name).ToArray());
            await categories.ExecuteNonQueryAsync(cancellationToken);
        }

        var categoryCount = await CountAsync(connection, "SELECT count(*) FROM seed_categories", cancellationToken);
        var rebuilt = IsBulk(missing, existing) ? await DropSecondaryIndexesAsync(connection, "products", cancellationToken) : [];
        task.MaxValue = rebuilt.Count + 1;

        // The k-th product a seed adds is always the same product: its ordinal feeds every choice. Names and
        // descriptions draw on the vocabulary the benchmarks search for (lamp, kettle, walnut, copper, linen, …);
        // search_vector is generated by PostgreSQL, image_key stays empty as for a product without a picture.
        await using (var insert = new NpgsqlCommand(Invariant($"""
            INSERT INTO products (name, description, price_cents, currency, stock, category_id, created_at, updated_at)
            SELECT initcap(w.adjective) || ' ' || w.material || ' ' || w.noun,
                   'A ' || w.adjective || ' ' || w.noun || ' in ' || w.material || ', ' || w.phrase
                       || '. Pairs well with our ' || w.other_material || ' ' || w.other_noun || '.',
                   w.price_cents, 'USD', w.stock, c.id, w.created_at, w.created_at
            FROM (
                SELECT g.k,
                       (@adjectives)[1 + {Hash("g.k", 11, Adjectives.Length)}] AS adjective,
                       (@materials)[1 + {Hash("g.k", 12, Materials.Length)}] AS material,
                       (@nouns)[1 + {Hash("g.k", 13, Nouns.Length)}] AS noun,
                       (@phrases)[1 + {Hash("g.k", 14, Phrases.Length)}] AS phrase,
                       (@materials)[1 + {Hash("g.k", 15, Materials.Length)}] AS other_material,
                       (@nouns)[1 + {Hash("g.k", 16, Nouns.Length)}] AS other_noun,
                       199 + {Hash("g.k", 17, 249_802)} AS price_cents,
                       10 + {Hash("g.k", 18, 990)}::integer AS stock,
                       1 + {Hash("g.k", 19, categoryCount)} AS category_rn,
                       @since - {Hash("g.k", 20, 180 * 86_400)} * interval '1 second' AS created_at
                FROM generate_series({existing + 1}::bigint, {target}::bigint) AS g(k)
            ) w
            JOIN seed_categories c ON c.rn = w.category_rn
            ORDER BY w.k
            """), connection) { CommandTimeout = 0 })
        {
            insert.Parameters.AddWithValue("adjectives", Adjectives);
            insert.Parameters.AddWithValue("materials", Materials);
            insert.Parameters.AddWithValue("nouns", Nouns);
            insert.Parameters.AddWithValue("phrases", Phrases);
            insert.Parameters.AddWithValue("since", HistoryStart());
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        task.Increment(1);
        await RecreateIndexesAsync(connection, rebuilt, task, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new SeedPhase("products", missing, clock.Elapsed);
    }

    private async Task<SeedPhase> SeedOrdersAsync(NpgsqlConnection connection, long target, ProgressTask task, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        var months = Months(now);

        // Every month the orders span has its partition (the project's idempotent maintenance function).
        await OrderPartitions.EnsureAsync(dataSource, DateOnly.FromDateTime(months[0].Start.UtcDateTime),
            DateOnly.FromDateTime(now.UtcDateTime).AddMonths(OrderPartitions.MonthsAhead), cancellationToken);

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // Orders may only name users and products that exist: while they are written nobody deletes or changes
        // those (SHARE), and nobody else places an order (so the reserved block of ids stays ours).
        await ExecuteAsync(connection, """
            LOCK TABLE users, products IN SHARE MODE;
            LOCK TABLE orders, order_items IN SHARE ROW EXCLUSIVE MODE;
            """, cancellationToken);
        var existing = await CountAsync(connection, "SELECT count(*) FROM orders", cancellationToken);
        var missing = target - existing;
        if (missing <= 0)
        {
            await transaction.CommitAsync(cancellationToken);
            task.Value = task.MaxValue;
            return new SeedPhase("orders", 0, clock.Elapsed);
        }

        // The ids that really exist, numbered 1…n so a hash can pick one: the seeded users (any user when there are
        // none), the products in the shop's one currency (an order never mixes currencies).
        await ExecuteAsync(connection, Invariant($"""
            CREATE TEMP TABLE seed_buyers ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY id) AS rn, id FROM users WHERE email::text LIKE 'user%@{EmailDomain}';
            INSERT INTO seed_buyers
            SELECT row_number() OVER (ORDER BY id), id FROM users WHERE NOT EXISTS (SELECT 1 FROM seed_buyers);
            CREATE TEMP TABLE seed_goods ON COMMIT DROP AS
            SELECT row_number() OVER (ORDER BY id) AS rn, id, name, price_cents FROM products WHERE currency = 'USD';
            ALTER TABLE seed_buyers ADD PRIMARY KEY (rn);
            ALTER TABLE seed_goods ADD PRIMARY KEY (rn);
            ANALYZE seed_buyers;
            ANALYZE seed_goods;
            """), cancellationToken);
        var buyers = await CountAsync(connection, "SELECT count(*) FROM seed_buyers", cancellationToken);

        // Seeded users usually hold one unbroken run of ids (they went in together): then the n-th is simply first + n - 1
        // and no lookup is needed; otherwise (gaps, sign-ups in between) each order looks its buyer up.
        var contiguousBuyers = await ScalarAsync(connection, "SELECT min(id) FROM seed_buyers HAVING max(id) - min(id) + 1 = count(*)", cancellationToken) as long?;
        var goods = await CountAsync(connection, "SELECT count(*) FROM seed_goods", cancellationToken);
        if (buyers == 0 || goods == 0)
        {
            throw new SeedRefusedException($"orders need users and USD products, and the database has {buyers:N0} users and {goods:N0} such products: seed them first (--users, --products).");
        }

        // A block of ids past every id in use; setval is not rolled back, so an interrupted seed leaves a gap, as a
        // failed order would.
        var lastId = await CountAsync(connection, Invariant($"""
            SELECT setval('orders_id_seq', greatest((SELECT coalesce(max(id), 0) FROM orders), (SELECT last_value FROM orders_id_seq)) + {missing})
            """), cancellationToken);
        var firstId = lastId - missing + 1;

        var bulk = IsBulk(missing, existing);
        List<IndexDefinition> rebuilt = bulk
            ? [.. await DropSecondaryIndexesAsync(connection, "orders", cancellationToken), .. await DropSecondaryIndexesAsync(connection, "order_items", cancellationToken)]
            : [];
        if (bulk && await ScalarAsync(connection, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user", cancellationToken) is true)
        {
            // The foreign keys hold by construction (ids drawn from the locked tables above, items beside their
            // orders), so their per-row checks, which would cost more than the rows themselves, are skipped for this
            // transaction. Only a superuser may; anyone else pays for the checks.
            await ExecuteAsync(connection, "SET LOCAL session_replication_role = replica", cancellationToken);
        }

        task.MaxValue = missing + (rebuilt.Count * Math.Max(1, missing / 20));
        var shares = Shares(months, missing);
        var offset = 0L;
        for (var m = 0; m < months.Count; m++)
        {
            if (shares[m] == 0)
            {
                continue;
            }

            // One statement per month: the chosen rows are computed once and feed both the orders and their items.
            var source = OrderSource(existing + offset + 1, existing + offset + shares[m], existing + 1, firstId, goods, buyers, months[m]);
            var buyer = contiguousBuyers is { } firstBuyer ? Invariant($"{firstBuyer - 1} + o.buyer") : "(SELECT b.id FROM seed_buyers b WHERE b.rn = o.buyer)";
            await using (var insert = new NpgsqlCommand(Invariant($"""
                WITH chosen AS MATERIALIZED (
                    SELECT o.k, o.id, o.created_at, {buyer} AS user_id, o.q1, o.q2,
                           g1.id AS product1, g1.name AS name1, g1.price_cents AS price1,
                           g2.id AS product2, g2.name AS name2, g2.price_cents AS price2
                    FROM ({source}) o
                    JOIN seed_goods g1 ON g1.rn = o.p1
                    LEFT JOIN seed_goods g2 ON g2.rn = o.p2
                ), placed AS (
                    INSERT INTO orders (id, created_at, user_id, status, total_cents, currency, updated_at)
                    SELECT c.id, c.created_at, c.user_id, (@statuses)[1 + {Hash("c.k", 26, Statuses.Length)}],
                           c.price1 * c.q1 + coalesce(c.price2 * c.q2, 0), 'USD', c.created_at
                    FROM chosen c
                )
                INSERT INTO order_items (order_id, order_created_at, product_id, name, quantity, unit_price_cents)
                SELECT c.id, c.created_at, line.product, line.name, line.quantity, line.price
                FROM chosen c
                CROSS JOIN LATERAL (VALUES (c.product1, c.name1, c.q1, c.price1), (c.product2, c.name2, c.q2, c.price2)) AS line(product, name, quantity, price)
                WHERE line.product IS NOT NULL
                """), connection) { CommandTimeout = 0 })
            {
                insert.Parameters.AddWithValue("statuses", Statuses);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }

            offset += shares[m];
            task.Increment(shares[m]);
        }

        await RecreateIndexesAsync(connection, rebuilt, task, cancellationToken, Math.Max(1, missing / 20));
        await transaction.CommitAsync(cancellationToken);
        task.Value = task.MaxValue;
        return new SeedPhase("orders", missing, clock.Elapsed);
    }

    /// <summary>
    /// Orders with ordinals <paramref name="from"/>…<paramref name="to"/> placed in <paramref name="month"/>: a buyer,
    /// two distinct products (one when the shop has one) and their quantities, each chosen by a hash of the ordinal,
    /// so the orders and their items, written by two statements, agree.
    /// </summary>
    private string OrderSource(long from, long to, long firstOrdinal, long firstId, long goods, long buyers, Month month) => Invariant($"""
        SELECT g.k, {firstId} + (g.k - {firstOrdinal}) AS id,
               '{month.Start.UtcDateTime:yyyy-MM-dd HH:mm:ss}+00'::timestamptz + {Hash("g.k", 27, month.Seconds)} * interval '1 second' AS created_at,
               1 + {Hash("g.k", 21, buyers)} AS buyer,
               1 + {Hash("g.k", 22, goods)} AS p1,
               CASE WHEN {goods} > 1 THEN 1 + ({Hash("g.k", 22, goods)} + 1 + {Hash("g.k", 23, Math.Max(1, goods - 1))}) % {goods} END AS p2,
               1 + {Hash("g.k", 24, 3)}::integer AS q1,
               1 + {Hash("g.k", 25, 3)}::integer AS q2
        FROM generate_series({from}::bigint, {to}::bigint) AS g(k)
        """);

    /// <summary>A deterministic pseudo-random integer in [0, <paramref name="range"/>) for a row, different per seed and per purpose.</summary>
    private string Hash(string ordinal, int purpose, long range) =>
        Invariant($"((hashint8extended({ordinal}, {((long)seed * 1000) + purpose}) & 9223372036854775807) % {Math.Max(1, range)})");

    private bool IsBulk(long missing, long existing) => missing >= BulkThreshold && missing * 4 >= existing + missing;

    /// <summary>The start of seeded history: users and products were created before the first seeded order.</summary>
    private static DateTimeOffset HistoryStart() => Months(DateTimeOffset.UtcNow)[0].Start;

    /// <summary>The months orders are spread over: the last <see cref="OrderPartitions.MonthsBack"/> up to a minute ago.</summary>
    private static List<Month> Months(DateTimeOffset now)
    {
        var end = now.AddMinutes(-1);
        var current = new DateTimeOffset(end.Year, end.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var months = new List<Month>();
        for (var back = OrderPartitions.MonthsBack - 1; back >= 0; back--)
        {
            var start = current.AddMonths(-back);
            var stop = back == 0 ? end : start.AddMonths(1);
            months.Add(new Month(start, Math.Max(1, (long)(stop - start).TotalSeconds)));
        }

        return months;
    }

    /// <summary>How many of <paramref name="count"/> orders each month gets: in proportion to its length.</summary>
    private static long[] Shares(List<Month> months, long count)
    {
        var seconds = months.Sum(m => m.Seconds);
        var shares = months.Select(m => (long)((decimal)count * m.Seconds / seconds)).ToArray();
        shares[^1] += count - shares.Sum();
        return shares;
    }

    /// <summary>Drops a table's secondary indexes (inside the caller's transaction) and returns how to rebuild them.</summary>
    private static async Task<List<IndexDefinition>> DropSecondaryIndexesAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken)
    {
        var definitions = new List<IndexDefinition>();
        await using (var command = new NpgsqlCommand("""
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = @table::regclass AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY 1
            """, connection))
        {
            command.Parameters.AddWithValue("table", table);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                // A partitioned table's index reads "ON ONLY orders": rebuilt without ONLY it covers every partition again.
                definitions.Add(new IndexDefinition(reader.GetString(0), reader.GetString(1).Replace(" ON ONLY ", " ON ", StringComparison.Ordinal)));
            }
        }

        foreach (var index in definitions)
        {
            await ExecuteAsync(connection, $"DROP INDEX {index.Name}", cancellationToken);
        }

        return definitions;
    }

    private static async Task RecreateIndexesAsync(NpgsqlConnection connection, List<IndexDefinition> indexes, ProgressTask task, CancellationToken cancellationToken, long weight = 1)
    {
        foreach (var index in indexes)
        {
            await ExecuteAsync(connection, index.Definition, cancellationToken);
            task.Increment(weight);
        }
    }

    private static async Task<long> CountAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken) =>
        Convert.ToInt64(await ScalarAsync(connection, sql, cancellationToken), CultureInfo.InvariantCulture);

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private sealed record IndexDefinition(string Name, string Definition);

    private sealed record Month(DateTimeOffset Start, long Seconds);
}

/// <summary>What one phase of a seed added and how long it took.</summary>
public sealed record SeedPhase(string Name, long Added, TimeSpan Elapsed)
{
    public string Outcome { get; init; } = Added > 0 ? Added.ToString("+#,0", CultureInfo.InvariantCulture) : "up to date";
}

public sealed record SeedReport(IReadOnlyList<SeedPhase> Phases);

/// <summary>The database cannot be seeded as asked; the message says why in one line.</summary>
public sealed class SeedRefusedException(string message) : Exception(message);
