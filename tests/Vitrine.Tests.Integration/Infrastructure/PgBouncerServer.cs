using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Npgsql;
using Vitrine.Stack;

namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>
/// PgBouncer in front of the run's cluster with the production config (deploy/pgbouncer/pgbouncer.ini: transaction
/// pooling), rendered for a free port and a directory of its own. The API of every integration test connects through
/// it, so anything that needs a session shows up everywhere.
/// </summary>
public sealed class PgBouncerServer : IAsyncDisposable
{
    private const string User = "vitrine";
    private readonly string directory;
    private readonly string password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private Process? process;

    private PgBouncerServer(string directory, int port)
    {
        this.directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<PgBouncerServer> StartAsync(string root, PostgresServer primary)
    {
        var directory = Path.Combine(root, "pgbouncer");
        Directory.CreateDirectory(directory);
        var server = new PgBouncerServer(directory, ServerProcess.FreePort());

        var authFile = Path.Combine(directory, "userlist.txt");
        await File.WriteAllTextAsync(authFile, $"\"{User}\" \"{server.password}\"\n");
        await ServerProcess.RunAsync("chmod", ["600", authFile]);
        var config = Path.Combine(directory, "pgbouncer.ini");
        var template = await File.ReadAllTextAsync(Path.Combine(ServerProcess.RepositoryRoot, "deploy", "pgbouncer", "pgbouncer.ini"));
        var rendered = template
            .Replace("{{LISTEN_ADDR}}", "127.0.0.1", StringComparison.Ordinal)
            .Replace("{{LISTEN_PORT}}", server.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{POSTGRES_HOST}}", "127.0.0.1", StringComparison.Ordinal)
            .Replace("{{POSTGRES_PORT}}", primary.Port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{{SOCKET_DIR}}", directory, StringComparison.Ordinal)
            .Replace("{{PID_FILE}}", Path.Combine(directory, "pgbouncer.pid"), StringComparison.Ordinal)
            .Replace("{{LOG_FILE}}", Path.Combine(directory, "pgbouncer.log"), StringComparison.Ordinal)
            .Replace("{{AUTH_FILE}}", authFile, StringComparison.Ordinal);
        // A placeholder added to deploy/pgbouncer/pgbouncer.ini must be filled here too, not reach PgBouncer as text.
        rendered.ShouldNotContain("{{", customMessage: "deploy/pgbouncer/pgbouncer.ini has a placeholder this fixture does not fill");
        await File.WriteAllTextAsync(config, rendered);
        if (ServerProcess.IsRoot)
        {
            // PgBouncer refuses to run as root; the auth file stays readable by postgres alone.
            await ServerProcess.RunAsync("chown", ["-R", "postgres:postgres", directory]);
        }

        server.process = ServerProcess.Start(ServerProcess.StartInfo(PgBouncerBinary(), [config], asPostgresUser: true), $"pgbouncer (port {server.Port})", stop: "TERM");
        await ServerProcess.WaitForPortAsync(server.Port, TimeSpan.FromSeconds(20), server.process);
        return server;
    }

    /// <summary>
    /// The API's connection string through PgBouncer, with the two settings transaction pooling needs: no DISCARD ALL
    /// when a connection returns to Npgsql's pool, and no prepared statements (PgBouncer 1.18 cannot route them).
    /// </summary>
    public string ConnectionString(string database) => StackModel.PgBouncerSafe(new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = User,
        Password = password,
        Database = database,
        Pooling = true,
        IncludeErrorDetail = false,
    }).ConnectionString;

    /// <summary>
    /// A command on PgBouncer's admin console (SHOW POOLS, say), through psql: the console speaks only the simple
    /// query protocol, which Npgsql does not use. Rows come back as lines of '|'-separated fields.
    /// </summary>
    public async Task<IReadOnlyList<string[]>> AdminAsync(string command)
    {
        var start = ServerProcess.StartInfo(ServerProcess.PostgresBinary("psql"),
            ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", User, "-d", "pgbouncer", "-At", "-c", command],
            asPostgresUser: false);
        start.Environment["PGPASSWORD"] = password;
        using var psql = Process.Start(start)!;
        var output = await psql.StandardOutput.ReadToEndAsync();
        var error = await psql.StandardError.ReadToEndAsync();
        await psql.WaitForExitAsync();
        if (psql.ExitCode != 0)
        {
            throw new InvalidOperationException($"psql {command} exited {psql.ExitCode}: {error}");
        }

        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('|')).ToList();
    }

    /// <summary>The database name of a connection string (the per-class database, the same through PgBouncer and on the replica).</summary>
    public static string DatabaseOf(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).Database!;

    private static string PgBouncerBinary() =>
        new[] { "/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("pgbouncer not found: install PgBouncer (./vitrine test installs it).");

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            // SIGTERM (recorded at start) is PgBouncer's immediate shutdown.
            await ServerProcess.StopAsync(process);
            process = null;
        }

        Directory.Delete(directory, recursive: true);
    }
}
