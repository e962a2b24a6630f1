using System.Globalization;

namespace Vitrine.AppHost;

/// <summary>The stack's layout, written by `./vitrine up` and passed as Vitrine:* configuration.</summary>
public sealed class StackSettings
{
    public string StateDirectory { get; set; } = "";

    public string RepositoryRoot { get; set; } = "";

    public int PostgresPort { get; set; }

    public int RedisCachePort { get; set; }

    public int RedisDurablePort { get; set; }

    public int ApiBasePort { get; set; }

    public int ApiReplicas { get; set; } = 1;

    public int WebBasePort { get; set; }

    public int WebReplicas { get; set; } = 1;

    public int PostgresReplicaPort { get; set; }

    public int PgBouncerPort { get; set; }

    public int HttpsPort { get; set; }

    public int HttpPort { get; set; }

    public int NginxStatusPort { get; set; }

    public int InternalApiPort { get; set; }

    public int PrometheusPort { get; set; }

    public int ExporterBasePort { get; set; }

    /// <summary>Rendered by `up` from deploy/: nginx.conf, prometheus.yml, pgbouncer.ini.</summary>
    public string NginxConfig { get; set; } = "";

    public string PrometheusConfig { get; set; } = "";

    public string PgBouncerConfig { get; set; } = "";

    public string RedisExporterPasswords { get; set; } = "";

    public string ReplicationSlot { get; set; } = "vitrine_replica";

    /// <summary>The real place of .vitrine/postgres (it may be a link to a place the postgres user can reach).</summary>
    public string PostgresDirectory { get; set; } = "";

    public string PostgresDataDirectory => Path.Combine(PostgresDirectory, "data");

    public string PostgresSocketDirectory => Path.Combine(PostgresDirectory, "run");

    public string PostgresReplicaDataDirectory => Path.Combine(PostgresDirectory, "replica");

    public string PostgresReplicaSocketDirectory => Path.Combine(PostgresDirectory, "replica-run");

    public string LogsDirectory => Path.Combine(StateDirectory, "logs");

    /// <summary>`up` publishes the API and the Web here (Release), per stack, so a build elsewhere never swaps them.</summary>
    public string PublishedApi => Path.Combine(StateDirectory, "publish", "api");

    public string PublishedWeb => Path.Combine(StateDirectory, "publish", "web");

    /// <summary>`vitrine restart` drops requests here; the AppHost answers beside them.</summary>
    public string ControlDirectory => Path.Combine(StateDirectory, "run", "control");

    public string Deploy(string relativePath) => Path.Combine(RepositoryRoot, "deploy", relativePath);

    public string Directory(string name) => Path.Combine(StateDirectory, name);

    public string Secret(string name) => Path.Combine(StateDirectory, "secrets", name);

    public string ReadSecret(string name) => File.ReadAllText(Secret(name)).Trim();

    public string PidFile(string component) => Path.Combine(StateDirectory, "run", component + ".pid");

    public string PostgresConnectionString(string database = "vitrine") => PostgresConnectionString(PostgresPort, database);

    /// <summary>
    /// Through PgBouncer in transaction mode: Npgsql must not prepare (PgBouncer 1.18 has no protocol-level prepared
    /// statements) and must not send DISCARD ALL on every return to its pool (pointless and costly there).
    /// </summary>
    public string PgBouncerConnectionString(string database = "vitrine") =>
        PostgresConnectionString(PgBouncerPort, database) + ";No Reset On Close=true;Max Auto Prepare=0";

    public string ReplicaConnectionString(string database = "vitrine") => PostgresConnectionString(PostgresReplicaPort, database);

    public int ExporterPort(int index) => ExporterBasePort + index;

    private string PostgresConnectionString(int port, string database) => string.Create(CultureInfo.InvariantCulture,
        $"Host=127.0.0.1;Port={port};Username=vitrine;Password={ReadSecret("postgres-password")};Database={database}");

    public static string RedisConnectionString(int port, string? password) =>
        password is null
            ? string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port},password={password}");
}
