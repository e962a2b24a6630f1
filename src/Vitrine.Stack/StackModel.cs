using System.Globalization;
using System.Runtime.Versioning;
using System.Text.Json;
using Npgsql;
using StackExchange.Redis;

namespace Vitrine.Stack;

/// <summary>
/// The local stack as `up` resolved it — layout, ports, replicas — with every connection string, URL and process
/// environment derived from it. `up` writes it to .vitrine/run/stack.json; the AppHost and every later command
/// load it from there, so a command run from another shell sees the ports the stack really uses.
/// </summary>
public sealed class StackModel
{
    /// <summary>The database role and database the stack creates (initdb's superuser is this role).</summary>
    public const string DatabaseUser = "vitrine";
    public const string Database = "vitrine";

    /// <summary>The physical replication slot that keeps the primary's WAL until the read replica has it.</summary>
    public const string ReplicationSlot = "vitrine_replica";

    /// <summary>Tags every process of this stack (inherited through the AppHost and DCP) so `down` can find strays.</summary>
    public const string StackVariable = "VITRINE_STACK";

    private const string Loopback = "127.0.0.1";

    /// <summary>The stanza every pgBackRest command names (deploy/pgbackrest/pgbackrest.conf, postgresql.conf's archive_command).</summary>
    public const string BackupStanza = "vitrine";

    /// <summary>pgBackRest's repository settings `up` takes from its environment (an S3 bucket instead of the local directory).</summary>
    public const string BackupRepositoryPrefix = "PGBACKREST_REPO1_";

    public StackModel(StackLayout layout, StackTopology topology, IReadOnlyDictionary<string, int> ports, IReadOnlyDictionary<string, string>? backupRepository = null)
    {
        Layout = layout;
        Topology = topology;
        Ports = ports;
        BackupRepository = backupRepository ?? new Dictionary<string, string>(StringComparer.Ordinal);
        Secrets = new StackSecrets(layout);
    }

    public StackLayout Layout { get; }

    public StackTopology Topology { get; }

    /// <summary>The first port of each setting, by its variable (see <see cref="StackPorts"/>).</summary>
    public IReadOnlyDictionary<string, int> Ports { get; }

    public StackSecrets Secrets { get; }

    /// <summary>
    /// pgBackRest's own PGBACKREST_REPO1_* settings as `up` found them in its environment (e.g. PGBACKREST_REPO1_TYPE=s3
    /// with a bucket), kept in run/stack.json (mode 700) for the later commands; empty: the local directory.
    /// </summary>
    public IReadOnlyDictionary<string, string> BackupRepository { get; }

    /// <summary>Resolves every port from the environment (or its default) for this topology, and the backup repository.</summary>
    public static StackModel Resolve(StackLayout layout, StackTopology topology, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var variables = environment ?? System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
        var repository = variables
            .Where(v => v.Key.StartsWith(BackupRepositoryPrefix, StringComparison.Ordinal) && !string.IsNullOrEmpty(v.Value))
            .ToDictionary(v => v.Key, v => v.Value!, StringComparer.Ordinal);
        return new(layout, topology, StackPorts.All.ToDictionary(port => port.Variable, port => port.Resolve(environment), StringComparer.Ordinal), repository);
    }

    /// <summary>The model `up` wrote for this state directory, or null when the stack was never started.</summary>
    public static StackModel? Load(StackLayout layout)
    {
        if (!File.Exists(layout.ModelFile))
        {
            return null;
        }

        var saved = JsonSerializer.Deserialize(File.ReadAllText(layout.ModelFile), StackJson.Default.SavedModel)
            ?? throw new InvalidOperationException($"{layout.ModelFile} is empty.");
        return new StackModel(layout, saved.Topology, saved.Ports, saved.BackupRepository);
    }

    [SupportedOSPlatform("linux")] // Unix file modes
    public void Save()
    {
        Directory.CreateDirectory(Layout.RunDirectory);
        File.SetUnixFileMode(Layout.RunDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(Layout.ModelFile, JsonSerializer.Serialize(new SavedModel(Topology, new Dictionary<string, int>(Ports, StringComparer.Ordinal), new Dictionary<string, string>(BackupRepository, StringComparer.Ordinal)), StackJson.Default.SavedModel));
    }

    public int Port(StackPort port, int offset = 0) => Ports[port.Variable] + offset;

    public int ApiPort(int replica) => Port(StackPorts.Api, replica - 1);

    public int WebPort(int replica) => Port(StackPorts.Web, replica - 1);

    public int ExporterPort(string exporter)
    {
        var index = StackComponents.Exporters.ToList().IndexOf(exporter);
        return index >= 0 ? Port(StackPorts.Exporters, index) : throw new ArgumentOutOfRangeException(nameof(exporter), exporter, "Not an exporter.");
    }

    /// <summary>Every port this topology binds, with its purpose and the variable that moves it.</summary>
    public IEnumerable<(int Port, string Purpose, string Variable)> BoundPorts()
    {
        foreach (var port in StackPorts.All)
        {
            var count = port == StackPorts.Api ? Topology.ApiReplicas : port == StackPorts.Web ? Topology.WebReplicas : port.Count;
            for (var i = 0; i < count; i++)
            {
                var purpose = port.Count == 1 ? port.Purpose
                    : port == StackPorts.Exporters ? $"{port.Purpose} ({StackComponents.Exporters[i]})"
                    : $"{port.Purpose} ({(i + 1).ToString(CultureInfo.InvariantCulture)})";
                yield return (Port(port, i), purpose, port.Variable);
            }
        }
    }

    public IEnumerable<string> ApiReplicas => Enumerable.Range(1, Topology.ApiReplicas).Select(StackComponents.Api);

    public IEnumerable<string> WebReplicas => Enumerable.Range(1, Topology.WebReplicas).Select(StackComponents.Web);

    // ---- PostgreSQL -------------------------------------------------------------------------------------------

    /// <summary>The primary, directly (migrations, seed, the replica's base backup).</summary>
    public NpgsqlConnectionStringBuilder Primary(string database = Database) => Postgres(Port(StackPorts.Postgres), database);

    public NpgsqlConnectionStringBuilder Replica(string database = Database) => Postgres(Port(StackPorts.PostgresReplica), database);

    /// <summary>The primary through PgBouncer, as every API replica reaches it.</summary>
    public NpgsqlConnectionStringBuilder PgBouncer(string database = Database) => PgBouncerSafe(Postgres(Port(StackPorts.PgBouncer), database));

    /// <summary>
    /// Through PgBouncer in transaction mode: Npgsql must not prepare (PgBouncer 1.18 has no protocol-level prepared
    /// statements) and must not send DISCARD ALL on every return to its pool (pointless and costly there).
    /// </summary>
    public static NpgsqlConnectionStringBuilder PgBouncerSafe(NpgsqlConnectionStringBuilder builder)
    {
        builder.NoResetOnClose = true;
        builder.MaxAutoPrepare = 0;
        return builder;
    }

    /// <summary>
    /// The primary for an API replica's direct, multiplexed reads (<c>ConnectionStrings:PostgresDirect</c>): a pool of
    /// at most 10 connections, which multiplexing keeps busy (3 replicas add 30 connections at most beside PgBouncer's).
    /// </summary>
    public static NpgsqlConnectionStringBuilder DirectReads(NpgsqlConnectionStringBuilder builder)
    {
        builder.MaxPoolSize = 10;
        return builder;
    }

    /// <summary>A URI psql accepts (CONTRACT §1), for the server on this port.</summary>
    public string PostgresUri(int port, string database = Database) => new UriBuilder("postgresql", Loopback, port, "/" + database)
    {
        UserName = Uri.EscapeDataString(DatabaseUser),
        Password = Uri.EscapeDataString(Secrets.Read(StackSecrets.PostgresPassword)),
    }.Uri.AbsoluteUri;

    /// <summary>An Npgsql connection string for a psql URI (as `status --json` prints it).</summary>
    public static NpgsqlConnectionStringBuilder FromPostgresUri(string uri)
    {
        var parsed = new Uri(uri);
        var credentials = parsed.UserInfo.Split(':', 2);
        return new NpgsqlConnectionStringBuilder
        {
            Host = parsed.Host,
            Port = parsed.Port,
            Username = Uri.UnescapeDataString(credentials[0]),
            Password = credentials.Length > 1 ? Uri.UnescapeDataString(credentials[1]) : null,
            Database = parsed.AbsolutePath.TrimStart('/'),
        };
    }

    /// <summary>What init-replica.sh needs to take the base backup from the primary.</summary>
    public IReadOnlyDictionary<string, string> ReplicaInitEnvironment => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["PGUSER"] = DatabaseUser,
        ["PGPASSWORD"] = Secrets.Read(StackSecrets.PostgresPassword),
    };

    /// <summary>
    /// pgBackRest's settings for this stack, as its own environment variables (they override
    /// deploy/pgbackrest/pgbackrest.conf): the primary's data, port and socket, the repository, a lock directory of
    /// this stack's. The primary's processes get them (archive_command and restore_command run pgBackRest), and so
    /// does every `backup` and `restore`. No password: <see cref="BackupClientEnvironment"/> adds it for what connects.
    /// </summary>
    public Dictionary<string, string> BackupEnvironment()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PGBACKREST_CONFIG"] = Layout.PgBackRestConfig,
            ["PGBACKREST_STANZA"] = BackupStanza,
            ["PGBACKREST_PG1_PATH"] = Layout.PostgresDataDirectory,
            ["PGBACKREST_PG1_PORT"] = Port(StackPorts.Postgres).ToString(CultureInfo.InvariantCulture),
            ["PGBACKREST_PG1_SOCKET_PATH"] = Layout.PostgresSocketDirectory,
            ["PGBACKREST_PG1_USER"] = DatabaseUser,
            ["PGBACKREST_LOCK_PATH"] = Layout.PgBackRestLockDirectory,
        };
        if (BackupRepository.Count == 0)
        {
            environment["PGBACKREST_REPO1_PATH"] = Layout.BackupRepository;
        }

        foreach (var (name, value) in BackupRepository)
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>A backup connects to the primary (as the database's superuser, over its socket): the settings and the password.</summary>
    public Dictionary<string, string> BackupClientEnvironment()
    {
        var environment = BackupEnvironment();
        environment["PGPASSWORD"] = Secrets.Read(StackSecrets.PostgresPassword);
        return environment;
    }

    /// <summary>Where `status` and `backup` say the backups go.</summary>
    public string BackupRepositoryDescription =>
        BackupRepository.TryGetValue("PGBACKREST_REPO1_TYPE", out var type) && type == "s3"
            ? $"s3://{BackupRepository.GetValueOrDefault("PGBACKREST_REPO1_S3_BUCKET")}{BackupRepository.GetValueOrDefault("PGBACKREST_REPO1_PATH", "/var/lib/pgbackrest")} at {BackupRepository.GetValueOrDefault("PGBACKREST_REPO1_S3_ENDPOINT")}"
            : BackupRepository.GetValueOrDefault("PGBACKREST_REPO1_PATH", Layout.BackupRepository);

    private NpgsqlConnectionStringBuilder Postgres(int port, string database) => new()
    {
        Host = Loopback,
        Port = port,
        Username = DatabaseUser,
        Password = Secrets.Read(StackSecrets.PostgresPassword),
        Database = database,
    };

    // ---- Redis ------------------------------------------------------------------------------------------------

    public ConfigurationOptions RedisCache() => Redis(Port(StackPorts.RedisCache), password: null);

    public ConfigurationOptions RedisDurable() => Redis(Port(StackPorts.RedisDurable), Secrets.Read(StackSecrets.RedisDurablePassword));

    /// <summary>
    /// A URL `redis-cli -u` accepts (CONTRACT §1). With a password it names Redis's `default` user: an empty user
    /// name (`redis://:secret@…`) makes redis-cli send AUTH with an empty user, which Redis refuses.
    /// </summary>
    public static string RedisUri(int port, string? password)
    {
        var builder = new UriBuilder("redis", Loopback, port);
        if (password is not null)
        {
            builder.UserName = "default";
            builder.Password = Uri.EscapeDataString(password);
        }

        return builder.Uri.AbsoluteUri.TrimEnd('/');
    }

    private static ConfigurationOptions Redis(int port, string? password) => new()
    {
        EndPoints = { { Loopback, port } },
        Password = password,
    };

    // ---- URLs ---------------------------------------------------------------------------------------------------

    public string Site => Port(StackPorts.Https) == 443 ? "https://localhost" : $"https://localhost:{Port(StackPorts.Https).ToString(CultureInfo.InvariantCulture)}";

    public static string HttpUrl(int port) => $"http://{Loopback}:{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The URL `status` prints for a component, and the port it listens on.</summary>
    public (string Url, int Port) Endpoint(string component) => component switch
    {
        StackComponents.Postgres => (PostgresUri(Port(StackPorts.Postgres)), Port(StackPorts.Postgres)),
        StackComponents.PostgresReplica => (PostgresUri(Port(StackPorts.PostgresReplica)), Port(StackPorts.PostgresReplica)),
        StackComponents.PgBouncer => (PostgresUri(Port(StackPorts.PgBouncer)), Port(StackPorts.PgBouncer)),
        StackComponents.RedisCache => (RedisUri(Port(StackPorts.RedisCache), password: null), Port(StackPorts.RedisCache)),
        StackComponents.RedisDurable => (RedisUri(Port(StackPorts.RedisDurable), Secrets.Read(StackSecrets.RedisDurablePassword)), Port(StackPorts.RedisDurable)),
        StackComponents.Nginx => (Site, Port(StackPorts.Https)),
        StackComponents.Prometheus => (HttpUrl(Port(StackPorts.Prometheus)), Port(StackPorts.Prometheus)),
        StackComponents.Alertmanager => (HttpUrl(Port(StackPorts.Alertmanager)), Port(StackPorts.Alertmanager)),
        StackComponents.Dashboard => (HttpUrl(Port(StackPorts.Dashboard)), Port(StackPorts.Dashboard)),
        _ when StackComponents.Exporters.Contains(component) => (HttpUrl(ExporterPort(component)), ExporterPort(component)),
        _ when ReplicaNumber(component, "api-") is { } n => (HttpUrl(ApiPort(n)), ApiPort(n)),
        _ when ReplicaNumber(component, "web-") is { } n => (HttpUrl(WebPort(n)), WebPort(n)),
        _ => ("", 0),
    };

    // ---- Replica environments -----------------------------------------------------------------------------------

    /// <summary>
    /// What every API and Web replica is given (CONTRACT §5 settings): the primary through PgBouncer, the read
    /// replica directly, both Redis, Production settings.
    /// </summary>
    public Dictionary<string, string> ReplicaEnvironment() => new(StringComparer.Ordinal)
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["ConnectionStrings__Postgres"] = PgBouncer().ConnectionString,
        ["ConnectionStrings__PostgresRead"] = Replica().ConnectionString,
        ["ConnectionStrings__PostgresDirect"] = DirectReads(Primary()).ConnectionString,
        ["ConnectionStrings__Redis"] = RedisCache().ToString(),
        ["ConnectionStrings__RedisDurable"] = RedisDurable().ToString(),
        [StackVariable] = Layout.StateDirectory,
    };

    /// <summary>An API replica's environment: the shared one plus its signing key, files and rate-limit share.</summary>
    public Dictionary<string, string> ApiEnvironment()
    {
        var environment = ReplicaEnvironment();
        environment["Jwt__SigningKey"] = Secrets.Read(StackSecrets.JwtSigningKey);
        environment["RateLimiting__ApiReplicas"] = Topology.ApiReplicas.ToString(CultureInfo.InvariantCulture);
        environment["Mail__PickupDirectory"] = Layout.Directory("mail");
        environment["Images__Directory"] = Layout.Directory("images");
        environment["Images__CacheDirectory"] = Layout.Directory("images-cache");
        return environment;
    }

    /// <summary>
    /// A Web replica's environment: the API through nginx's internal listener; Prometheus, Alertmanager and the alert
    /// receiver's token for /admin/ops.
    /// </summary>
    public Dictionary<string, string> WebEnvironment()
    {
        var environment = ReplicaEnvironment();
        environment["Api__BaseUrl"] = HttpUrl(Port(StackPorts.InternalApi));
        environment["Ops__PrometheusUrl"] = HttpUrl(Port(StackPorts.Prometheus));
        environment["Ops__AlertmanagerUrl"] = HttpUrl(Port(StackPorts.Alertmanager));
        environment["Ops__AlertWebhookToken"] = Secrets.Read(StackSecrets.AlertWebhookToken);
        return environment;
    }

    /// <summary>Where Alertmanager delivers: the Web's receiver through nginx's internal listener (any Web replica).</summary>
    public string AlertWebhookUrl => HttpUrl(Port(StackPorts.InternalApi)) + "/admin/ops/alerts";

    private static int? ReplicaNumber(string component, string prefix) =>
        component.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(component[prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>What run/stack.json holds.</summary>
    public sealed record SavedModel(StackTopology Topology, Dictionary<string, int> Ports, Dictionary<string, string>? BackupRepository = null);
}
