namespace Vitrine.Cli.Stack;

/// <summary>The local stack's PostgreSQL data directory, initialised once (as the postgres user: it refuses root).</summary>
public static class PostgresCluster
{
    public static bool IsInitialised(StackLayout layout) =>
        File.Exists(Path.Combine(layout.PostgresDataDirectory, "PG_VERSION"));

    public static async Task InitialiseAsync(StackLayout layout, StackSecrets secrets, CancellationToken cancellationToken)
    {
        await PlaceWherePostgresCanReachAsync(layout, cancellationToken);
        var runDirectory = layout.PostgresSocketDirectory;
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
                "-D", layout.PostgresDataDirectory, "-U", StackModel.DatabaseUser, "--pwfile", passwordFile,
                "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8",
            ], cancellationToken: cancellationToken);
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

    private static async Task ChownToPostgresAsync(string directory, CancellationToken cancellationToken)
    {
        if (Shell.IsRoot)
        {
            // A shell-out: .NET has no chown (only file modes).
            var result = await Shell.RunAsync("chown", ["-R", "postgres:postgres", directory], cancellationToken: cancellationToken);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException("chown failed: " + result.Output);
            }
        }
    }

    /// <summary>
    /// The postgres user must traverse every parent of its data directory. When it cannot reach the state directory
    /// (a checkout under /root), the data goes to <see cref="StackLayout.ServiceRoot"/> and
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
        if ((await Shell.RunAsPostgresAsync("test", ["-x", layout.StateDirectory], cancellationToken: cancellationToken)).Succeeded)
        {
            return;
        }

        var target = layout.ServiceRoot;
        Directory.CreateDirectory(target);
        Directory.CreateSymbolicLink(link, target);
    }
}
