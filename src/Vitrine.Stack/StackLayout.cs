namespace Vitrine.Stack;

/// <summary>
/// Where the local stack keeps its state: .vitrine/ in the checkout (git-ignored), or VITRINE_STATE_DIR. Every path
/// any tool uses under it is named here once.
/// </summary>
public sealed class StackLayout
{
    /// <summary>Moves the state directory away from the checkout's .vitrine/ (the stack tests use a temporary one).</summary>
    public const string StateDirectoryVariable = "VITRINE_STATE_DIR";

    /// <summary>Set by ./vitrine to the checkout it runs from.</summary>
    public const string RootVariable = "VITRINE_ROOT";

    public StackLayout(string repositoryRoot, string? stateDirectory = null)
    {
        RepositoryRoot = Path.GetFullPath(repositoryRoot);
        StateDirectory = Path.GetFullPath(stateDirectory ?? Path.Combine(RepositoryRoot, ".vitrine"));
    }

    public string RepositoryRoot { get; }

    public string StateDirectory { get; }

    public string SecretsDirectory => Path.Combine(StateDirectory, "secrets");

    public string LogsDirectory => Path.Combine(StateDirectory, "logs");

    /// <summary>Pid files, the AppHost's socket and the resolved model: mode 700, like the secrets.</summary>
    public string RunDirectory => Path.Combine(StateDirectory, "run");

    /// <summary>The stack as `up` resolved it (ports, replicas): every later command and the AppHost read this.</summary>
    public string ModelFile => Path.Combine(RunDirectory, "stack.json");

    public string AppHostPidFile => Path.Combine(RunDirectory, "apphost.pid");

    public string AppHostLog => Path.Combine(LogsDirectory, "apphost.log");

    /// <summary>
    /// The AppHost's backchannel (HTTP over a Unix socket). A socket path is limited to 107 bytes: a deep state
    /// directory gets one under /tmp named by a hash of it instead.
    /// </summary>
    public string BackchannelSocket
    {
        get
        {
            var path = Path.Combine(RunDirectory, "apphost.sock");
            return path.Length < 100 ? path : Path.Combine(Path.GetTempPath(), $"vitrine-{Hash(StateDirectory)}.sock");
        }
    }

    public string Log(string component) => Path.Combine(LogsDirectory, component + ".log");

    public string PidFile(string component) => Path.Combine(RunDirectory, component + ".pid");

    public string Secret(string name) => Path.Combine(SecretsDirectory, name);

    public string Directory(string name) => Path.Combine(StateDirectory, name);

    public string Deploy(string relativePath) => Path.Combine(RepositoryRoot, "deploy", relativePath);

    /// <summary>
    /// .vitrine/postgres, or where its symbolic link points: when the postgres user cannot traverse the state
    /// directory (a checkout under /root, say), PostgreSQL's files live in <see cref="ServiceRoot"/> instead.
    /// </summary>
    public string PostgresDirectory
    {
        get
        {
            var link = Path.Combine(StateDirectory, "postgres");
            return System.IO.Directory.Exists(link) ? System.IO.Directory.ResolveLinkTarget(link, returnFinalTarget: true)?.FullName ?? link : link;
        }
    }

    /// <summary>Where .vitrine/postgres points when the postgres user cannot reach the state directory.</summary>
    public string ServiceRoot => Path.Combine("/var/lib/vitrine", Hash(StateDirectory), "postgres");

    public string PostgresDataDirectory => Path.Combine(PostgresDirectory, "data");

    public string PostgresSocketDirectory => Path.Combine(PostgresDirectory, "run");

    public string PostgresReplicaDataDirectory => Path.Combine(PostgresDirectory, "replica");

    public string PostgresReplicaSocketDirectory => Path.Combine(PostgresDirectory, "replica-run");

    /// <summary>
    /// deploy/postgres/postgresql.conf as `up` copied it beside the data: the postgres user must read it, and it may
    /// not reach the checkout.
    /// </summary>
    public string PostgresConfig => Path.Combine(PostgresDirectory, "config", "postgresql.conf");

    /// <summary>deploy/pgbackrest/pgbackrest.conf as `up` copied it beside postgresql.conf (the postgres user reads it).</summary>
    public string PgBackRestConfig => Path.Combine(PostgresDirectory, "config", "pgbackrest.conf");

    /// <summary>The local backup repository (pgBackRest's repo1 unless `up` was given an S3 one): the postgres user's.</summary>
    public string BackupRepository => Path.Combine(PostgresDirectory, "backups");

    /// <summary>pgBackRest's lock files, per stack (its default, /tmp/pgbackrest, would be shared by every stack here).</summary>
    public string PgBackRestLockDirectory => Path.Combine(PostgresDirectory, "pgbackrest-lock");

    /// <summary>PgBouncer runs as the postgres user too: its configuration and auth file live beside PostgreSQL's.</summary>
    public string PgBouncerDirectory => Path.Combine(PostgresDirectory, "pgbouncer");

    public string PgBouncerConfig => Path.Combine(PgBouncerDirectory, "pgbouncer.ini");

    public string PgBouncerAuthFile => Path.Combine(PgBouncerDirectory, "userlist.txt");

    /// <summary>
    /// Where servers that drop root (PostgreSQL, PgBouncer, nginx workers) keep what they write: the state directory,
    /// or the place .vitrine/postgres links to (see <see cref="PostgresDirectory"/>).
    /// </summary>
    public string ServiceDirectory => Path.GetDirectoryName(PostgresDirectory)!;

    public string NginxCacheDirectory => Path.Combine(ServiceDirectory, "nginx");

    /// <summary>Rendered configuration files (nginx, Prometheus); PgBouncer's lives beside PostgreSQL's data.</summary>
    public string ConfigDirectory => Path.Combine(StateDirectory, "config");

    public string NginxConfig => Path.Combine(ConfigDirectory, "nginx.conf");

    public string PrometheusConfig => Path.Combine(ConfigDirectory, "prometheus.yml");

    /// <summary>Extra rule files Prometheus loads beside deploy/prometheus/alerts.yml (an operator's own, a test's).</summary>
    public string PrometheusRulesDirectory => Path.Combine(ConfigDirectory, "rules.d");

    public string AlertmanagerConfig => Path.Combine(ConfigDirectory, "alertmanager.yml");

    public string RedisExporterPasswords => Secret(StackSecrets.RedisExporterPasswords);

    public string TlsDirectory => Path.Combine(StateDirectory, "tls");

    /// <summary>A real certificate goes here (PEM): `up` generates a self-signed pair only when these are missing.</summary>
    public string TlsCertificate => Path.Combine(TlsDirectory, "cert.pem");

    public string TlsKey => Path.Combine(TlsDirectory, "key.pem");

    /// <summary>`up` publishes the API and the Web here (Release), per stack, so a build elsewhere never swaps them.</summary>
    public string PublishedApi => Path.Combine(StateDirectory, "publish", "api");

    public string PublishedWeb => Path.Combine(StateDirectory, "publish", "web");

    public string AppHostDll => Path.Combine(RepositoryRoot, "src", "Vitrine.AppHost", "bin", "Release", "net10.0", "Vitrine.AppHost.dll");

    /// <summary>Finds the checkout: VITRINE_ROOT (set by ./vitrine) or the nearest parent holding Vitrine.slnx.</summary>
    public static StackLayout Discover()
    {
        var root = Environment.GetEnvironmentVariable(RootVariable);
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
        return new StackLayout(root, string.IsNullOrEmpty(state) ? null : state);
    }

    private static string Hash(string text) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16].ToLowerInvariant();
}
