using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>
/// A streaming read replica of the run's cluster, as production makes one: pg_basebackup -R -C -S (a replication
/// slot, so a checkpoint on the primary never removes WAL the replica still needs), then a hot standby on a port of
/// its own. Databases created on the primary from the template appear here by replay.
/// </summary>
public sealed class PostgresReplica : IAsyncDisposable
{
    private const string User = "vitrine";
    private readonly string directory;
    private Process? process;

    private PostgresReplica(string directory, int port)
    {
        this.directory = directory;
        Port = port;
    }

    public int Port { get; }

    public static async Task<PostgresReplica> StartAsync(string root, PostgresServer primary)
    {
        var directory = Path.Combine(root, "postgres-replica");
        Directory.CreateDirectory(directory);
        if (ServerProcess.IsRoot)
        {
            await ServerProcess.RunAsync("chown", ["postgres:postgres", directory]);
        }

        var replica = new PostgresReplica(directory, ServerProcess.FreePort());
        var data = Path.Combine(directory, "data");
        // --checkpoint=fast: a spread checkpoint would make this take minutes on an idle cluster.
        await ServerProcess.RunAsync(ServerProcess.PostgresBinary("pg_basebackup"),
        [
            "-h", "127.0.0.1", "-p", primary.Port.ToString(CultureInfo.InvariantCulture), "-U", User, "-D", data,
            "-R", "-C", "-S", "vitrine_test_replica", "-X", "stream", "--checkpoint=fast", "--no-sync",
        ], asPostgresUser: true);

        var start = ServerProcess.StartInfo(ServerProcess.PostgresBinary("postgres"),
            ["-D", data, "-p", replica.Port.ToString(CultureInfo.InvariantCulture), "-c", $"unix_socket_directories={directory}", .. PostgresServer.TestSettings],
            asPostgresUser: true);
        replica.process = ServerProcess.Start(start, $"postgres (replica, port {replica.Port})", stop: "INT");
        await ServerProcess.WaitForPortAsync(replica.Port, TimeSpan.FromSeconds(30), replica.process);
        await replica.WaitForDatabaseAsync("postgres");
        ServerProcess.TrackPostmaster(data, replica.process, "postgres (replica)");
        return replica;
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username={User};Database={database};Pooling=true;Include Error Detail=false";

    /// <summary>Waits (with a deadline) until the database exists here, i.e. its creation on the primary has been replayed.</summary>
    public async Task WaitForDatabaseAsync(string database)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false");
                await connection.OpenAsync();
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Runs a statement on the replica as the superuser (pg_wal_replay_pause(), say).</summary>
    public async Task<T> ScalarAsync<T>(string sql, string database = "postgres")
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            await ServerProcess.StopAsync(process);
            process = null;
        }

        Directory.Delete(directory, recursive: true);
    }
}
