using Npgsql;
using NpgsqlTypes;
using Spectre.Console;
using Vitrine.Data.Model;

namespace Vitrine.Cli.Seeding;

/// <summary>
/// Fills the database at the seed's scale through PostgreSQL binary COPY: users sharing one precomputed bcrypt hash of
/// a documented password, products named from varied English words, and orders with two items each spread over
/// the last 24 months of partitions. Deterministic for a given seed; tops up to the requested counts.
/// </summary>
public sealed class ScaleSeeder(NpgsqlDataSource dataSource, int seed)
{
    /// <summary>Every seeded user's password (documented in the README so load tests can log in as any of them).</summary>
    public const string Password = "vitrine-seed-password";

    public const string EmailDomain = "seed.vitrine.local";

    private const int ItemsPerOrder = 2;

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

    private static readonly string[] Statuses = ["pending", "paid", "paid", "shipped", "delivered", "delivered", "delivered", "cancelled"];

    public async Task RunAsync(long users, long products, long orders, CancellationToken cancellationToken)
    {
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var userTask = progress.AddTask("users", maxValue: Math.Max(1, users));
                var productTask = progress.AddTask("products", maxValue: Math.Max(1, products));
                var orderTask = progress.AddTask("orders + items", maxValue: Math.Max(1, orders));
                await SeedUsersAsync(users, userTask, cancellationToken);
                await SeedProductsAsync(products, productTask, cancellationToken);
                await SeedOrdersAsync(orders, orderTask, cancellationToken);
                await ExecuteAsync("ANALYZE users; ANALYZE products; ANALYZE orders; ANALYZE order_items;", cancellationToken);
            });
    }

    private async Task SeedUsersAsync(long target, ProgressTask task, CancellationToken cancellationToken)
    {
        var existing = await ScalarAsync($"SELECT count(*) FROM users WHERE email LIKE '%@{EmailDomain}'", cancellationToken);
        task.Value = Math.Min(existing, target);
        if (existing >= target)
        {
            return;
        }

        // One bcrypt hash (the seed's cost 10) shared by every seeded user: hashing a million passwords would take hours.
        var hash = BCrypt.Net.BCrypt.HashPassword(Password, workFactor: 10);
        var random = new Random(HashCode.Combine(seed, "users"));
        var now = DateTimeOffset.UtcNow;
        await CopyRowsAsync(
            "COPY users (email, password_hash, name, role, status, created_at, updated_at) FROM STDIN (FORMAT BINARY)",
            existing,
            target,
            task,
            async (writer, n) =>
            {
                var created = now.AddMinutes(-random.Next(0, 60 * 24 * 730));
                await writer.WriteAsync(Email(n), NpgsqlDbType.Citext, cancellationToken);
                await writer.WriteAsync(hash, NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync($"{FirstNames[random.Next(FirstNames.Length)]} {n}", NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync(Roles.Customer, NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync(IsDisabled(n) ? UserStatus.Disabled : UserStatus.Active, NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync(created, NpgsqlDbType.TimestampTz, cancellationToken);
                await writer.WriteAsync(created, NpgsqlDbType.TimestampTz, cancellationToken);
            },
            cancellationToken);
    }

    private async Task SeedProductsAsync(long target, ProgressTask task, CancellationToken cancellationToken)
    {
        var existing = await ScalarAsync("SELECT count(*) FROM products", cancellationToken);
        task.Value = Math.Min(existing, target);
        if (existing >= target)
        {
            return;
        }

        await ExecuteAsync("""
            INSERT INTO categories (slug, name) VALUES
              ('home', 'Home & Living'), ('kitchen', 'Kitchen'), ('outdoors', 'Outdoors'), ('books', 'Books'),
              ('audio', 'Audio'), ('apparel', 'Apparel'), ('office', 'Office'), ('toys', 'Toys & Games')
            ON CONFLICT (slug) DO NOTHING
            """, cancellationToken);
        var categories = await IdsAsync("SELECT id FROM categories ORDER BY id", cancellationToken);
        var random = new Random(HashCode.Combine(seed, "products", existing));
        var now = DateTimeOffset.UtcNow;
        await CopyRowsAsync(
            "COPY products (name, description, price_cents, currency, stock, category_id, created_at, updated_at) FROM STDIN (FORMAT BINARY)",
            existing,
            target,
            task,
            async (writer, _) =>
            {
                var adjective = Adjectives[random.Next(Adjectives.Length)];
                var material = Materials[random.Next(Materials.Length)];
                var noun = Nouns[random.Next(Nouns.Length)];
                var second = Nouns[random.Next(Nouns.Length)];
                var created = now.AddMinutes(-random.Next(0, 60 * 24 * 730));
                await writer.WriteAsync($"{char.ToUpperInvariant(adjective[0])}{adjective[1..]} {material} {noun}", NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync($"A {adjective} {noun} in {material}, {Phrases[random.Next(Phrases.Length)]}. Pairs well with our {Materials[random.Next(Materials.Length)]} {second}.", NpgsqlDbType.Varchar, cancellationToken);
                await writer.WriteAsync((long)random.Next(199, 250_000), NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync("USD", NpgsqlDbType.Char, cancellationToken);
                await writer.WriteAsync(random.Next(0, 500), NpgsqlDbType.Integer, cancellationToken);
                await writer.WriteAsync(categories[random.Next(categories.Count)], NpgsqlDbType.Bigint, cancellationToken);
                await writer.WriteAsync(created, NpgsqlDbType.TimestampTz, cancellationToken);
                await writer.WriteAsync(created, NpgsqlDbType.TimestampTz, cancellationToken);
            },
            cancellationToken);
    }

    /// <summary>Rows existing+1 … target through one binary COPY, the progress bar moving every 10,000 rows.</summary>
    private async Task CopyRowsAsync(
        string copySql, long existing, long target, ProgressTask task, Func<NpgsqlBinaryImporter, long, Task> writeRow, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var writer = await connection.BeginBinaryImportAsync(copySql, cancellationToken);
        for (var n = existing + 1; n <= target; n++)
        {
            await writer.StartRowAsync(cancellationToken);
            await writeRow(writer, n);
            if (n % 10_000 == 0)
            {
                task.Value = n;
            }
        }

        await writer.CompleteAsync(cancellationToken);
        task.Value = target;
    }

    private async Task SeedOrdersAsync(long target, ProgressTask task, CancellationToken cancellationToken)
    {
        var existing = await ScalarAsync("SELECT count(*) FROM orders", cancellationToken);
        task.Value = Math.Min(existing, target);
        if (existing >= target)
        {
            return;
        }

        var count = target - existing;
        var userRange = await RangeAsync("SELECT min(id), max(id) FROM users", cancellationToken);
        var products = await ProductsAsync(cancellationToken);
        if (userRange is null || products.Count == 0)
        {
            throw new InvalidOperationException("Orders need users and products: seed them first.");
        }

        // Reserve a block of order ids, so COPY can name them and the items can point at them.
        var lastId = await ScalarAsync($"SELECT setval('orders_id_seq', nextval('orders_id_seq') + {count - 1})", cancellationToken);
        var firstId = lastId - count + 1;
        var random = new Random(HashCode.Combine(seed, "orders", existing));
        var now = DateTimeOffset.UtcNow;
        var (minUser, maxUser) = userRange.Value;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        const int batch = 50_000;
        var items = new List<(long OrderId, DateTimeOffset Created, long ProductId, string Name, int Quantity, long Price)>(batch * ItemsPerOrder);
        for (long start = 0; start < count; start += batch)
        {
            var end = Math.Min(count, start + batch);
            items.Clear();

            // Orders first, then their items, one batch at a time: the items' foreign key checks stay small.
            await using (var orderWriter = await connection.BeginBinaryImportAsync(
                "COPY orders (id, created_at, user_id, status, total_cents, currency, updated_at) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                for (var i = start; i < end; i++)
                {
                    var id = firstId + i;
                    // Spread over the last 24 months (the partitions maintenance keeps), never in the future.
                    var created = now.AddSeconds(-random.NextInt64(60, 60L * 60 * 24 * 729));
                    var total = 0L;
                    for (var item = 0; item < ItemsPerOrder; item++)
                    {
                        var (productId, name, price) = products[random.Next(products.Count)];
                        var quantity = random.Next(1, 4);
                        total += price * quantity;
                        items.Add((id, created, productId, name, quantity, price));
                    }

                    await orderWriter.StartRowAsync(cancellationToken);
                    await orderWriter.WriteAsync(id, NpgsqlDbType.Bigint, cancellationToken);
                    await orderWriter.WriteAsync(created, NpgsqlDbType.TimestampTz, cancellationToken);
                    await orderWriter.WriteAsync(random.NextInt64(minUser, maxUser + 1), NpgsqlDbType.Bigint, cancellationToken);
                    await orderWriter.WriteAsync(Statuses[random.Next(Statuses.Length)], NpgsqlDbType.Varchar, cancellationToken);
                    await orderWriter.WriteAsync(total, NpgsqlDbType.Bigint, cancellationToken);
                    await orderWriter.WriteAsync("USD", NpgsqlDbType.Char, cancellationToken);
                    await orderWriter.WriteAsync(created, NpgsqlDbType.TimestampTz, cancellationToken);
                }

                await orderWriter.CompleteAsync(cancellationToken);
            }

            await using (var itemWriter = await connection.BeginBinaryImportAsync(
                "COPY order_items (order_id, order_created_at, product_id, name, quantity, unit_price_cents) FROM STDIN (FORMAT BINARY)", cancellationToken))
            {
                foreach (var item in items)
                {
                    await itemWriter.StartRowAsync(cancellationToken);
                    await itemWriter.WriteAsync(item.OrderId, NpgsqlDbType.Bigint, cancellationToken);
                    await itemWriter.WriteAsync(item.Created, NpgsqlDbType.TimestampTz, cancellationToken);
                    await itemWriter.WriteAsync(item.ProductId, NpgsqlDbType.Bigint, cancellationToken);
                    await itemWriter.WriteAsync(item.Name, NpgsqlDbType.Varchar, cancellationToken);
                    await itemWriter.WriteAsync(item.Quantity, NpgsqlDbType.Integer, cancellationToken);
                    await itemWriter.WriteAsync(item.Price, NpgsqlDbType.Bigint, cancellationToken);
                }

                await itemWriter.CompleteAsync(cancellationToken);
            }

            task.Value = existing + end;
        }
    }

    private async Task<List<(long Id, string Name, long Price)>> ProductsAsync(CancellationToken cancellationToken)
    {
        var products = new List<(long, string, long)>();
        await using var command = dataSource.CreateCommand("SELECT id, name, price_cents FROM products ORDER BY id LIMIT 200000");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            products.Add((reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2)));
        }

        return products;
    }

    private async Task<(long Min, long Max)?> RangeAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.IsDBNull(0) ? null : (reader.GetInt64(0), reader.GetInt64(1));
    }

    private async Task<List<long>> IdsAsync(string sql, CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt64(0));
        }

        return ids;
    }

    private async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
