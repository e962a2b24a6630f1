using System.Globalization;

namespace Vitrine.Stack;

/// <summary>
/// The components of the local stack by name, and the kind CONTRACT §1 gives each in `status --json`. The AppHost
/// names its resources with these, and every tool finds them by these names.
/// </summary>
public static class StackComponents
{
    public const string Postgres = "postgres";
    public const string PostgresReplica = "postgres-replica";
    public const string PostgresReplicaInit = "postgres-replica-init";
    public const string PgBouncer = "pgbouncer";
    public const string RedisCache = "redis-cache";
    public const string RedisDurable = "redis-durable";
    public const string Migrate = "migrate";

    /// <summary>pgBackRest's schedule beside the primary (deploy/pgbackrest/schedule.sh): not listed by `status`.</summary>
    public const string BackupSchedule = "backup-schedule";
    public const string Nginx = "nginx";
    public const string Prometheus = "prometheus";
    public const string Alertmanager = "alertmanager";
    public const string Dashboard = "dashboard";

    public const string NginxExporter = "nginx-exporter";
    public const string RedisExporter = "redis-exporter";
    public const string PostgresExporter = "postgres-exporter";
    public const string PostgresReplicaExporter = "postgres-replica-exporter";
    public const string NodeExporter = "node-exporter";

    /// <summary>The exporters; each one's port is <see cref="StackPorts.Exporters"/> plus its place here.</summary>
    public static readonly IReadOnlyList<string> Exporters = [NginxExporter, RedisExporter, PostgresExporter, PostgresReplicaExporter, NodeExporter];

    /// <summary>Steps that run once to completion; every other component runs until the stack stops.</summary>
    public static readonly IReadOnlySet<string> OneShot = new HashSet<string>(StringComparer.Ordinal) { PostgresReplicaInit, Migrate };

    public static string Api(int replica) => "api-" + replica.ToString(CultureInfo.InvariantCulture);

    public static string Web(int replica) => "web-" + replica.ToString(CultureInfo.InvariantCulture);

    /// <summary>The kind `status --json` reports (CONTRACT §1), or null for a component status does not list.</summary>
    public static string? Kind(string name) => name switch
    {
        Nginx => "lb",
        Postgres or PostgresReplica or PgBouncer or RedisCache or RedisDurable or Prometheus or Alertmanager or Dashboard or NodeExporter => name,
        _ when name.StartsWith("api-", StringComparison.Ordinal) => "api",
        _ when name.StartsWith("web-", StringComparison.Ordinal) => "web",
        _ => null,
    };

    /// <summary>`vitrine down` stops the stack front to back, one tier at a time, so nothing loses what it still needs.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> StopOrder(StackTopology topology) =>
    [
        [Nginx],
        [.. Enumerable.Range(1, topology.WebReplicas).Select(Web)],
        [.. Enumerable.Range(1, topology.ApiReplicas).Select(Api)],
        [Prometheus, Alertmanager, BackupSchedule, .. Exporters],
        [PgBouncer],
        [PostgresReplica],
        [Postgres],
        [RedisCache, RedisDurable],
    ];
}

/// <summary>How many replicas of each kind the stack runs.</summary>
public sealed record StackTopology(int ApiReplicas, int WebReplicas)
{
    public const int DefaultApiReplicas = 3;
    public const int DefaultWebReplicas = 4;
}
