using System.Globalization;

namespace Vitrine.Cli.Stack;

/// <summary>
/// Where the local stack keeps its state (.vitrine/ in the checkout) and which ports it uses. Every port has a
/// default and an environment variable to move it; the variable is named in every "port in use" message.
/// </summary>
public sealed class StackLayout
{
    /// <summary>Moves the state directory away from the checkout's .vitrine/ (the stack tests use a temporary one).</summary>
    public const string StateDirectoryVariable = "VITRINE_STATE_DIR";

    public StackLayout(string repositoryRoot, string? stateDirectory = null)
    {
        RepositoryRoot = repositoryRoot;
        StateDirectory = Path.GetFullPath(stateDirectory ?? Path.Combine(repositoryRoot, ".vitrine"));
    }

    public string RepositoryRoot { get; }

    public string StateDirectory { get; }

    public string SecretsDirectory => Path.Combine(StateDirectory, "secrets");

    public string LogsDirectory => Path.Combine(StateDirectory, "logs");

    public string RunDirectory => Path.Combine(StateDirectory, "run");

    /// <summary>
    /// .vitrine/postgres, or where its symbolic link points: when the checkout sits where the postgres user cannot
    /// traverse (under /root, say), the data directory lives under /var/lib/vitrine and .vitrine/postgres links to it.
    /// </summary>
    public string PostgresDirectory
    {
        get
        {
            var link = Path.Combine(StateDirectory, "postgres");
            return Directory.Exists(link) ? Directory.ResolveLinkTarget(link, returnFinalTarget: true)?.FullName ?? link : link;
        }
    }

    public string PostgresDataDirectory => Path.Combine(PostgresDirectory, "data");

    public string PostgresReplicaDataDirectory => Path.Combine(PostgresDirectory, "replica");

    /// <summary>
    /// Where servers that drop root (PostgreSQL, PgBouncer, nginx workers) keep what they write: the state directory,
    /// or /var/lib/vitrine/&lt;hash&gt; when their users cannot traverse the checkout (see <see cref="PostgresDirectory"/>).
    /// </summary>
    public string ServiceDirectory => Path.GetDirectoryName(PostgresDirectory)!;

    /// <summary>Rendered configuration files (nginx, Prometheus); PgBouncer's lives beside PostgreSQL's data.</summary>
    public string ConfigDirectory => Path.Combine(StateDirectory, "config");

    public string TlsDirectory => Path.Combine(StateDirectory, "tls");

    public string AppHostPidFile => Path.Combine(RunDirectory, "apphost.pid");

    public string AppHostLog => Path.Combine(LogsDirectory, "apphost.log");

    public string TopologyFile => Path.Combine(RunDirectory, "topology.json");

    public string Secret(string name) => Path.Combine(SecretsDirectory, name);

    public string PidFile(string component) => Path.Combine(RunDirectory, component + ".pid");

    public static readonly StackPort Postgres = new("PostgreSQL", "VITRINE_POSTGRES_PORT", 15432);
    public static readonly StackPort RedisCache = new("Redis cache", "VITRINE_REDIS_CACHE_PORT", 16379);
    public static readonly StackPort RedisDurable = new("Redis durable", "VITRINE_REDIS_DURABLE_PORT", 16380);
    public static readonly StackPort Api = new("API replicas", "VITRINE_API_PORT", 5101);
    public static readonly StackPort Web = new("Web replicas", "VITRINE_WEB_PORT", 5201);
    public static readonly StackPort Dashboard = new("Aspire dashboard", "VITRINE_DASHBOARD_PORT", 18888);
    public static readonly StackPort DashboardOtlp = new("Aspire dashboard OTLP", "VITRINE_OTLP_PORT", 18889);
    public static readonly StackPort Https = new("nginx HTTPS", "VITRINE_HTTPS_PORT", 8443);
    public static readonly StackPort Http = new("nginx HTTP (redirects to HTTPS)", "VITRINE_HTTP_PORT", 8080);
    public static readonly StackPort NginxStatus = new("nginx stub_status (local only)", "VITRINE_NGINX_STATUS_PORT", 18080);
    public static readonly StackPort InternalApi = new("nginx internal API listener (Web to API)", "VITRINE_INTERNAL_API_PORT", 18081);
    public static readonly StackPort PgBouncer = new("PgBouncer", "VITRINE_PGBOUNCER_PORT", 16432);
    public static readonly StackPort PostgresReplica = new("PostgreSQL read replica", "VITRINE_POSTGRES_REPLICA_PORT", 15433);
    public static readonly StackPort Prometheus = new("Prometheus", "VITRINE_PROMETHEUS_PORT", 19090);

    /// <summary>Four consecutive ports: the nginx, Redis, PostgreSQL primary and replica exporters.</summary>
    public static readonly StackPort Exporters = new("Prometheus exporters (4 consecutive ports)", "VITRINE_EXPORTER_PORT", 19101);

    /// <summary>Finds the checkout: VITRINE_ROOT (set by ./vitrine) or the nearest parent holding Vitrine.slnx.</summary>
    public static StackLayout Discover()
    {
        var root = Environment.GetEnvironmentVariable("VITRINE_ROOT");
        if (string.IsNullOrEmpty(root))
        {
            var directory = new DirectoryInfo(Environment.CurrentDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Vitrine.slnx")))
            {
                directory = directory.Parent;
            }

            root = directory?.FullName ?? throw new InvalidOperationException("Run vitrine from a Vitrine checkout (no Vitrine.slnx found).");
        }

        var state = Environment.GetEnvironmentVariable(StateDirectoryVariable);
        return new StackLayout(Path.GetFullPath(root), string.IsNullOrEmpty(state) ? null : state);
    }

    /// <summary>Every port the stack binds for this topology, with its purpose and the variable that moves it.</summary>
    public static IEnumerable<(int Port, string Purpose, string Variable)> Ports(Topology topology)
    {
        foreach (var port in new[] { Postgres, PostgresReplica, PgBouncer, RedisCache, RedisDurable, Https, Http, NginxStatus, InternalApi, Prometheus, Dashboard, DashboardOtlp })
        {
            yield return (port.Value, port.Purpose, port.Variable);
        }

        for (var i = 0; i < 4; i++)
        {
            yield return (Exporters.Offset(i), Exporters.Purpose, Exporters.Variable);
        }

        for (var i = 0; i < topology.ApiReplicas; i++)
        {
            yield return (Api.Offset(i), $"API replica {i + 1}", Api.Variable);
        }

        for (var i = 0; i < topology.WebReplicas; i++)
        {
            yield return (Web.Offset(i), $"Web replica {i + 1}", Web.Variable);
        }
    }
}

/// <summary>How many replicas of each kind the stack runs; written by `up`, read by `status`.</summary>
public sealed record Topology(int ApiReplicas, int WebReplicas)
{
    public const int DefaultApiReplicas = 3;
    public const int DefaultWebReplicas = 4;

    public static Topology Read(StackLayout layout) =>
        File.Exists(layout.TopologyFile)
            ? System.Text.Json.JsonSerializer.Deserialize(File.ReadAllText(layout.TopologyFile), CliJson.Default.Topology) ?? new Topology(DefaultApiReplicas, DefaultWebReplicas)
            : new Topology(DefaultApiReplicas, DefaultWebReplicas);

    public void Write(StackLayout layout) =>
        File.WriteAllText(layout.TopologyFile, System.Text.Json.JsonSerializer.Serialize(this, CliJson.Default.Topology));
}

/// <summary>A port of the stack: its default, and the environment variable that overrides it.</summary>
public sealed record StackPort(string Purpose, string Variable, int Default)
{
    public int Value
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable(Variable);
            if (string.IsNullOrEmpty(configured))
            {
                return Default;
            }

            return int.TryParse(configured, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
                ? port
                : throw new InvalidOperationException($"{Variable}={configured} is not a port number.");
        }
    }

    public int Offset(int replicaIndex) => Value + replicaIndex;
}
