using System.CommandLine;
using System.Diagnostics;
using System.Net.Sockets;
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
        var users = new Option<long>("--users") { Description = "Seeded users to have: user1…userN@seed.vitrine.local (password in README)", DefaultValueFactory = _ => 10_000 };
        var products = new Option<long>("--products") { Description = "Products to have", DefaultValueFactory = _ => 10_000 };
        var orders = new Option<long>("--orders") { Description = "Orders to have (two items each, over 24 months)", DefaultValueFactory = _ => 50_000 };
        var seed = new Option<int>("--seed") { Description = "Random seed: the same seed gives the same data", DefaultValueFactory = _ => 42 };
        var connection = new Option<string?>("--connection") { Description = "PostgreSQL connection string; default the local stack's" };
        var command = new Command("seed", "Fill the database with set-based SQL; tops up to the requested counts, also on a database in use") { users, products, orders, seed, connection };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(users), parse.GetValue(products), parse.GetValue(orders), parse.GetValue(seed), parse.GetValue(connection), AnsiConsole.Console, Console.Error, cancellationToken));
        return command;
    }

    /// <summary>Seeds and reports; any failure is one line on stderr and a non-zero exit code, never a stack trace.</summary>
    public static async Task<int> RunAsync(long users, long products, long orders, int seed, string? connectionString, IAnsiConsole console, TextWriter error, CancellationToken cancellationToken)
    {
        int Fail(string message, int exitCode)
        {
            error.WriteLine($"seed: {message}");
            return exitCode;
        }

        if (users < 0 || products < 0 || orders < 0)
        {
            return Fail("counts must not be negative.", 2);
        }

        connectionString ??= LocalConnection();
        if (connectionString is null)
        {
            return Fail("no database: start the stack with ./vitrine up, or pass --connection.", 1);
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString) { CommandTimeout = 0, ApplicationName = "vitrine seed" };
        }
        catch (ArgumentException e)
        {
            return Fail($"--connection is not a PostgreSQL connection string ({e.Message}).", 2);
        }

        try
        {
            await using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
            var clock = Stopwatch.StartNew();
            var report = await new ScaleSeeder(dataSource, seed, console).RunAsync(users, products, orders, cancellationToken);
            foreach (var phase in report.Phases)
            {
                console.MarkupLineInterpolated($"  {phase.Name,-9} {phase.Outcome,12}  {phase.Elapsed.TotalSeconds,6:F1} s");
            }

            console.MarkupLineInterpolated($"Seeded to {users:N0} seeded users, {products:N0} products, {orders:N0} orders in {clock.Elapsed.TotalSeconds:F1} s. Seeded users log in as user<N>@{ScaleSeeder.EmailDomain} with password {ScaleSeeder.Password}.");
            return 0;
        }
        catch (OperationCanceledException)
        {
            return Fail("cancelled: the table under way was rolled back; the next seed completes it.", 130);
        }
        catch (SeedRefusedException e)
        {
            return Fail(e.Message, 1);
        }
        catch (PostgresException e)
        {
            return Fail($"PostgreSQL refused: {e.SqlState} {e.MessageText}", 1);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            return Fail($"cannot reach PostgreSQL at {builder.Host}:{builder.Port}: {(e.InnerException ?? e).Message}", 1);
        }
    }

    private static string? LocalConnection()
    {
        var stack = StackModel.Load(StackLayout.Discover());
        return stack is not null && stack.Secrets.Exists(StackSecrets.PostgresPassword) ? stack.Primary().ConnectionString : null;
    }
}
