using System.Globalization;

namespace Vitrine.Stack;

/// <summary>
/// A port setting of the stack: its purpose, the environment variable that moves it, its default, and how many
/// consecutive ports it starts (replicas take one each).
/// </summary>
public sealed record StackPort(string Purpose, string Variable, int Default, int Count = 1)
{
    /// <summary>The value from the environment (as `up` saw it), or the default.</summary>
    public int Resolve(IReadOnlyDictionary<string, string?>? environment = null)
    {
        var configured = environment is null ? Environment.GetEnvironmentVariable(Variable) : environment.GetValueOrDefault(Variable);
        if (string.IsNullOrEmpty(configured))
        {
            return Default;
        }

        return int.TryParse(configured, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new InvalidOperationException($"{Variable}={configured} is not a port number.");
    }
}

/// <summary>Every port the local stack binds, each with its default and the variable named in "port in use" messages.</summary>
public static class StackPorts
{
    /// <summary>The most replicas of one kind `up` starts; each kind's port range is that long.</summary>
    public const int MaxReplicas = 20;

    public static readonly StackPort Postgres = new("PostgreSQL", "VITRINE_POSTGRES_PORT", 15432);
    public static readonly StackPort PostgresReplica = new("PostgreSQL read replica", "VITRINE_POSTGRES_REPLICA_PORT", 15433);
    public static readonly StackPort PgBouncer = new("PgBouncer", "VITRINE_PGBOUNCER_PORT", 16432);
    public static readonly StackPort RedisCache = new("Redis cache", "VITRINE_REDIS_CACHE_PORT", 16379);
    public static readonly StackPort RedisDurable = new("Redis durable", "VITRINE_REDIS_DURABLE_PORT", 16380);
    public static readonly StackPort Api = new("API replicas", "VITRINE_API_PORT", 5101, MaxReplicas);
    public static readonly StackPort Web = new("Web replicas", "VITRINE_WEB_PORT", 5201, MaxReplicas);
    public static readonly StackPort Dashboard = new("Aspire dashboard", "VITRINE_DASHBOARD_PORT", 18888);
    public static readonly StackPort DashboardOtlp = new("Aspire dashboard OTLP", "VITRINE_OTLP_PORT", 18889);
    public static readonly StackPort Https = new("nginx HTTPS", "VITRINE_HTTPS_PORT", 8443);
    public static readonly StackPort Http = new("nginx HTTP (redirects to HTTPS)", "VITRINE_HTTP_PORT", 8080);
    public static readonly StackPort NginxStatus = new("nginx stub_status (local only)", "VITRINE_NGINX_STATUS_PORT", 18080);
    public static readonly StackPort InternalApi = new("nginx internal API listener (Web to API)", "VITRINE_INTERNAL_API_PORT", 18081);
    public static readonly StackPort Prometheus = new("Prometheus", "VITRINE_PROMETHEUS_PORT", 19090);
    public static readonly StackPort Alertmanager = new("Alertmanager", "VITRINE_ALERTMANAGER_PORT", 19093);

    /// <summary>One port per exporter, in the order of <see cref="StackComponents.Exporters"/>.</summary>
    public static readonly StackPort Exporters = new("Prometheus exporters", "VITRINE_EXPORTER_PORT", 19101, StackComponents.Exporters.Count);

    public static readonly IReadOnlyList<StackPort> All =
    [
        Postgres, PostgresReplica, PgBouncer, RedisCache, RedisDurable, Api, Web, Dashboard, DashboardOtlp,
        Https, Http, NginxStatus, InternalApi, Prometheus, Alertmanager, Exporters,
    ];
}
