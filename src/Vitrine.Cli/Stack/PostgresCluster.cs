namespace Vitrine.Cli.Stack;

/// <summary>The local stack's PostgreSQL data directory, initialised once (as the postgres user: it refuses root).</summary>
public static class PostgresCluster
{
    public const string User = "vitrine";
    public const string Database = "vitrine";

    public static bool IsInitialised(StackLayout layout) =>
        File.Exists(Path.Combine(layout.PostgresDataDirectory, "PG_VERSION"));

    public static async Task InitialiseAsync(StackLayout layout, StackSecrets secrets, CancellationToken cancellationToken)
    {
        await PlaceWherePostgresCanReachAsync(layout, cancellationToken);
        var runDirectory = Path.Combine(layout.PostgresDirectory, "run");
        Directory.CreateDirectory(layout.PostgresDataDirectory);
        Directory.CreateDirectory(runDirectory);

        // initdb reads the superuser's password from a file it can read; the copy lives only while initdb runs.
        var passwordFile = Path.Combine(layout.PostgresDirectory, ".initdb-password");
        StackSecrets.WriteSecretFile(passwordFile, secrets.Read(StackSecrets.PostgresPassword));
        await ChownToPostgresAsync(layout.PostgresDirectory, cancellationToken);
        try
        {
            var result = await Shell.RunAsPostgresAsync(PostgresTools.Binary("initdb"),
            [
                "-D", layout.PostgresDataDirectory, "-U", User, "--pwfile", passwordFile,
                "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8",
            ], cancellationToken);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException("initdb failed:\n" + result.Output);
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    /// <summary>Creates the application database on first start (initdb makes only "postgres").</summary>
    public static string ConnectionString(StackSecrets secrets, string database = Database) =>
        ConnectionString(secrets, StackLayout.Postgres.Value, database);

    public static string ConnectionString(StackSecrets secrets, int port, string database) =>
        $"Host=127.0.0.1;Port={port};Username={User};Password={secrets.Read(StackSecrets.PostgresPassword)};Database={database}";

    /// <summary>A URI psql accepts, for the primary (default), the replica or PgBouncer.</summary>
    public static string Uri(StackSecrets secrets, int? port = null) =>
        $"postgresql://{User}:{secrets.Read(StackSecrets.PostgresPassword)}@127.0.0.1:{port ?? StackLayout.Postgres.Value}/{Database}";

    private static async Task ChownToPostgresAsync(string directory, CancellationToken cancellationToken)
    {
        if (Shell.IsRoot)
        {
            var result = await Shell.RunAsync("chown", ["-R", "postgres:postgres", directory], cancellationToken: cancellationToken);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException("chown failed: " + result.Output);
            }
        }
    }

    /// <summary>
    /// The postgres user must traverse every parent of its data directory. When it cannot reach the state directory
    /// (a checkout under /root), the data goes to /var/lib/vitrine/&lt;hash of the state path&gt; and
    /// .vitrine/postgres becomes a symbolic link to it, so the rest of the stack finds it where it always does.
    /// </summary>
    private static async Task PlaceWherePostgresCanReachAsync(StackLayout layout, CancellationToken cancellationToken)
    {
        var link = Path.Combine(layout.StateDirectory, "postgres");
        if (!Shell.IsRoot || Directory.Exists(link))
        {
            return;
        }

        Directory.CreateDirectory(layout.StateDirectory);
        if ((await Shell.RunAsPostgresAsync("test", ["-x", layout.StateDirectory], cancellationToken)).Succeeded)
        {
            return;
        }

        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(layout.StateDirectory)))[..16].ToLowerInvariant();
        var target = Path.Combine("/var/lib/vitrine", hash, "postgres");
        Directory.CreateDirectory(target);
        Directory.CreateSymbolicLink(link, target);
    }
}
