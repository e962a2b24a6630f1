using System.CommandLine;
using System.Diagnostics;
using Npgsql;
using Spectre.Console;
using Vitrine.Cli.Seeding;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Commands;

/// <summary>`vitrine seed`: fill the running stack's database at scale (the seed's: --users 1000000 --products 100000 --orders 5000000).</summary>
public static class SeedCommand
{
    public static Command Create()
    {
        var users = new Option<long>("--users") { Description = "Users to have (seeded ones share the password in README)", DefaultValueFactory = _ => 10_000 };
        var products = new Option<long>("--products") { Description = "Products to have", DefaultValueFactory = _ => 10_000 };
        var orders = new Option<long>("--orders") { Description = "Orders to have (two items each, over 24 months)", DefaultValueFactory = _ => 50_000 };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed gives the same data", DefaultValueFactory = _ => 42 };
        var connection = new Option<string?>("--connection") { Description = "PostgreSQL connection string; default the local stack's" };
        var command = new Command("seed", "Fill the database through PostgreSQL COPY; tops up to the requested counts") { users, products, orders, seed, connection };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var counts = (Users: parse.GetValue(users), Products: parse.GetValue(products), Orders: parse.GetValue(orders));
            if (counts.Users < 0 || counts.Products < 0 || counts.Orders < 0)
            {
                AnsiConsole.MarkupLine("[red]Counts must not be negative.[/]");
                return 2;
            }

            var connectionString = parse.GetValue(connection) ?? LocalConnection();
            if (connectionString is null)
            {
                AnsiConsole.MarkupLine("[red]No database:[/] start the stack with ./vitrine up, or pass --connection.");
                return 1;
            }

            var builder = new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0 };
            await using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
            var clock = Stopwatch.StartNew();
            await new ScaleSeeder(dataSource, parse.GetValue(seed)).RunAsync(counts.Users, counts.Products, counts.Orders, cancellationToken);
            AnsiConsole.MarkupLineInterpolated($"Seeded to {counts.Users:N0} users, {counts.Products:N0} products, {counts.Orders:N0} orders in {clock.Elapsed:mm\\:ss}. Seeded users log in as user<N>@{ScaleSeeder.EmailDomain} with password {ScaleSeeder.Password}.");
            return 0;
        });
        return command;
    }

    private static string? LocalConnection()
    {
        var stack = StackModel.Load(StackLayout.Discover());
        return stack is not null && stack.Secrets.Exists(StackSecrets.PostgresPassword) ? stack.Primary().ConnectionString : null;
    }
}
