using System.CommandLine;
using Vitrine.Cli.Stack;
using Vitrine.Data;
using Vitrine.Data.Seeding;

namespace Vitrine.Cli.Commands;

/// <summary>
/// `vitrine migrate`: the one deliberate migration step. The AppHost runs it after PostgreSQL is healthy and before
/// any replica starts; it also loads the demo catalog and creates the admin account on a new database.
/// </summary>
public static class MigrateCommand
{
    public const string AdminEmail = "admin@vitrine.local";

    public static Command Create()
    {
        var state = new Option<string?>("--state") { Description = "The stack's state directory (for the admin secret); default .vitrine" };
        var connection = new Option<string?>("--connection") { Description = "PostgreSQL connection string; default ConnectionStrings__Postgres" };
        var command = new Command("migrate", "Apply database migrations, create partitions, load the demo catalog and the admin account") { state, connection };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(state), parse.GetValue(connection), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string? stateDirectory, string? connectionString, CancellationToken cancellationToken)
    {
        connectionString ??= Environment.GetEnvironmentVariable("ConnectionStrings__Postgres");
        // In a container the connection string is a mounted secret (/run/secrets/ConnectionStrings__Postgres).
        var secret = Path.Combine("/run/secrets", "ConnectionStrings__Postgres");
        if (string.IsNullOrWhiteSpace(connectionString) && File.Exists(secret))
        {
            connectionString = (await File.ReadAllTextAsync(secret, cancellationToken)).Trim();
        }

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await Console.Error.WriteLineAsync("migrate: set ConnectionStrings__Postgres or pass --connection.");
            return 2;
        }

        var layout = stateDirectory is null ? StackLayout.Discover() : new StackLayout(Environment.CurrentDirectory, stateDirectory);
        var clock = TimeProvider.System;
        await DatabaseMigrator.MigrateAsync(connectionString, clock, cancellationToken);
        Console.WriteLine("migrate: schema up to date, order partitions maintained");

        await using var dataSource = VitrineDataSource.Create(connectionString, new DatabaseOptions { MinPoolSize = 0, MaxPoolSize = 2 });
        await using var db = DatabaseMigrator.CreateContext(dataSource);
        var products = await DemoCatalog.LoadAsync(db, clock, cancellationToken);
        Console.WriteLine(products > 0 ? $"migrate: loaded the demo catalog ({products} products)" : "migrate: catalog already present");

        var secrets = new StackSecrets(layout);
        Directory.CreateDirectory(layout.SecretsDirectory);
        var admin = secrets.ReadAdmin();
        if (admin is null)
        {
            admin = new AdminCredentials(AdminEmail, StackSecrets.Token(12));
            secrets.WriteAdmin(admin);
        }

        // The seed's bcrypt cost 10; the accounts feature re-hashes on login if the configured cost is raised.
        var created = await AdminAccount.EnsureAsync(db, admin.Email, BCrypt.Net.BCrypt.HashPassword(admin.Password, workFactor: 10), clock, cancellationToken);
        Console.WriteLine(created ? $"migrate: created admin account {admin.Email}" : "migrate: admin account present");
        return 0;
    }
}
