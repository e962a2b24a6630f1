using System.Diagnostics;
using Npgsql;
using Vitrine.Data;

namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster: initdb into a temporary directory, a free port, run as the postgres user when the
/// tests run as root. One per test run; every test class clones its own database from a migrated template.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string TemplateDatabase = "vitrine_template";
    private const string User = "vitrine";
    private readonly string directory;
    private Process? process;

    private PostgresServer(string directory, int port)
    {
        this.directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>
    /// The settings of the primary and its replica (a hot standby needs max_connections at least the primary's).
    /// Durability is pointless for a throwaway cluster; speed is not. Connections: PgBouncer keeps a few per test
    /// database open, so there is room for them besides the tests' direct connections.
    /// </summary>
    public static readonly string[] TestSettings =
    [
        "-c", "listen_addresses=127.0.0.1",
        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
        "-c", "max_connections=500", "-c", "shared_buffers=128MB",
    ];

    public static async Task<PostgresServer> StartAsync(string root)
    {
        var directory = Path.Combine(root, "postgres");
        Directory.CreateDirectory(directory);
        if (ServerProcess.IsRoot)
        {
            await ServerProcess.RunAsync("chown", ["-R", "postgres:postgres", root]);
        }

        var server = new PostgresServer(directory, ServerProcess.FreePort());
        var data = Path.Combine(directory, "data");
        await ServerProcess.RunAsync(ServerProcess.PostgresBinary("initdb"),
            ["-D", data, "-U", User, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], asPostgresUser: true);

        var start = ServerProcess.StartInfo(ServerProcess.PostgresBinary("postgres"),
            ["-D", data, "-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", $"unix_socket_directories={directory}", .. TestSettings],
            asPostgresUser: true);
        server.process = ServerProcess.Start(start, $"postgres (primary, port {server.Port})", stop: "INT");
        await ServerProcess.WaitForPortAsync(server.Port, TimeSpan.FromSeconds(30), server.process);
        await server.WaitUntilAcceptingAsync();
        ServerProcess.TrackPostmaster(data, server.process, "postgres (primary)");

        await server.ExecuteAsync("postgres", $"CREATE DATABASE {TemplateDatabase}");
        await DatabaseMigrator.MigrateAsync(server.ConnectionString(TemplateDatabase), TimeProvider.System);
        NpgsqlConnection.ClearAllPools();
        return server;
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={User};Database={database};Pooling=true;Include Error Detail=false";

    /// <summary>A fresh database cloned from the migrated template.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 33, 63)].ToLowerInvariant();
        await ExecuteAsync("postgres", $"CREATE DATABASE \"{name}\" TEMPLATE {TemplateDatabase}");
        return ConnectionString(name);
    }

    public async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task WaitUntilAcceptingAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await ExecuteAsync("postgres", "SELECT 1");
                return;
            }
            catch (NpgsqlException) when (attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            // SIGINT (recorded at start) is PostgreSQL's fast shutdown: it does not wait for open sessions.
            await ServerProcess.StopAsync(process);
            process = null;
        }

        Directory.Delete(directory, recursive: true);
    }
}
