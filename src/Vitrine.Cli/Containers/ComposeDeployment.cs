using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Npgsql;
using Vitrine.AppHost;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Containers;

/// <summary>The host's share of the seed's limits (see <see cref="ComposeDeployment.Limits"/>).</summary>
public sealed record ComposeLimits(double WebCpus, long WebBytes, double ApiCpus, long ApiBytes, long PostgresBytes, long RedisBytes);

/// <summary>
/// The Compose deployment (deploy/compose/docker-compose.prod.yml) for one project on one engine: its generated
/// secrets and host file under .vitrine/compose/&lt;project&gt;/, and the docker-compose calls.
/// </summary>
public sealed class ComposeDeployment(DockerEngine engine, string project)
{
    public static readonly StackPort Https = new("Compose stack: nginx HTTPS", "VITRINE_COMPOSE_HTTPS_PORT", 38443);
    public static readonly StackPort Http = new("Compose stack: nginx HTTP (redirects to HTTPS)", "VITRINE_COMPOSE_HTTP_PORT", 38080);
    public static readonly StackPort Prometheus = new("Compose stack: Prometheus", "VITRINE_COMPOSE_PROMETHEUS_PORT", 39090);

    public const string ProjectVariable = "VITRINE_COMPOSE_PROJECT";
    public const string DefaultProject = "vitrine";
    private const long Gigabyte = 1L << 30;

    /// <summary>The seed's limits per container (seed, "Segurança → Containers" and its diagram's replica counts).</summary>
    public static readonly ComposeLimits Seed = new(WebCpus: 1, WebBytes: Gigabyte, ApiCpus: 2, ApiBytes: 2 * Gigabyte, PostgresBytes: 4 * Gigabyte, RedisBytes: 2 * Gigabyte);

    public static string ProjectFromEnvironment() =>
        System.Environment.GetEnvironmentVariable(ProjectVariable) is { Length: > 0 } name ? name : DefaultProject;

    public string Project => project;

    public string Directory => Path.Combine(engine.Layout.StateDirectory, "compose", project);

    public string SecretsDirectory => Path.Combine(Directory, "secrets");

    public string ComposeFile => Path.Combine(engine.Layout.RepositoryRoot, "deploy", "compose", "docker-compose.prod.yml");

    public string HostFile => Path.Combine(Directory, "host.yml");

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>(engine.Environment)
    {
        ["COMPOSE_FILE"] = ComposeFile + ":" + HostFile,
        ["COMPOSE_PROJECT_NAME"] = project,
    };

    public AdminCredentials? Admin =>
        File.Exists(Path.Combine(SecretsDirectory, "admin.json"))
            ? JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(SecretsDirectory, "admin.json")), StackJson.Default.AdminCredentials)
            : null;

    public Task<Shell.Result> ComposeAsync(IEnumerable<string> arguments, Action<string>? onLine = null, CancellationToken cancellationToken = default) =>
        Shell.RunAsync("docker-compose", arguments, engine.Layout.RepositoryRoot, Environment, onLine, cancellationToken);

    /// <summary>
    /// The limits rule for a small host. Memory: the seed's limits (web 1 GB ×4, API 2 GB ×3, PostgreSQL 4 GB ×2 with
    /// the replica: 22 GB with Redis) are scaled by one factor, min(1, half the host's memory / 22 GB), for the Web,
    /// the API and PostgreSQL (whose memory settings then follow its limit by the local stack's rule); Redis keeps
    /// its 2 GB, which its own maxmemory (1.5 GB for the cache) needs. CPU: the seed's figure, capped at the host's
    /// cores: a CPU limit is a ceiling, not a reservation, so dividing it among replicas would only slow each one.
    /// </summary>
    public static ComposeLimits Limits(long hostBytes, int hostCores)
    {
        var seedTotal = (4 * Seed.WebBytes) + (3 * Seed.ApiBytes) + (2 * Seed.PostgresBytes) + (2 * Seed.RedisBytes);
        var factor = Math.Min(1.0, hostBytes / 2.0 / seedTotal);
        long Scale(long bytes) => (long)(bytes * factor) >> 20 << 20;
        return new ComposeLimits(Math.Min(Seed.WebCpus, hostCores), Scale(Seed.WebBytes), Math.Min(Seed.ApiCpus, hostCores),
            Scale(Seed.ApiBytes), Scale(Seed.PostgresBytes), Seed.RedisBytes);
    }

    /// <summary>Writes the secrets (once) and the host file (every time: ports, replicas, limits, secret paths).</summary>
    public async Task PrepareAsync(int apiReplicas, int webReplicas, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(SecretsDirectory);
        // The directory keeps other users out (700); the files are 644 because Compose 1.29 bind-mounts secret files
        // as they are (no uid or mode of its own outside Swarm), and each container reads them as its non-root user.
        File.SetUnixFileMode(SecretsDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var postgres = ReadOrCreate("postgres-password", () => StackSecrets.Token(24));
        var redis = ReadOrCreate("redis-durable-password", () => StackSecrets.Token(24));
        ReadOrCreate("jwt-signing-key", () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)));
        ReadOrCreate(StackSecrets.AlertWebhookToken, () => StackSecrets.Token(32));
        ReadOrCreate("admin.json", () => JsonSerializer.Serialize(new AdminCredentials(Commands.MigrateCommand.AdminEmail, StackSecrets.Token(12)), StackJson.Default.AdminCredentials));
        NpgsqlConnectionStringBuilder Connection(string host, int port) => new()
        {
            Host = host,
            Port = port,
            Username = StackModel.DatabaseUser,
            Password = postgres,
            Database = StackModel.Database,
        };
        Write("migrate-postgres", Connection("postgres", 5432).ConnectionString);
        // Through PgBouncer 1.18 in transaction mode, as in the local stack.
        Write("api-postgres", StackModel.PgBouncerSafe(Connection("pgbouncer", 6432)).ConnectionString);
        Write("web-postgres", StackModel.PgBouncerSafe(Connection("pgbouncer", 6432)).ConnectionString);
        Write("api-postgres-read", Connection("postgres-replica", 5432).ConnectionString);
        Write("pgbouncer-userlist", $"\"vitrine\" \"{postgres}\"\n");
        Write("redis-durable.conf", $"requirepass {redis}\n");
        Write("redis-durable-connection", $"redis-durable:6379,password={redis}");
        Write("redis-exporter-passwords", $"{{\"redis://redis-durable:6379\":\"{redis}\"}}\n");
        EnsureTlsPair();

        var limits = Limits(PostgresMemory.HostBytes(), System.Environment.ProcessorCount);
        await File.WriteAllTextAsync(HostFile, HostFileText(apiReplicas, webReplicas, limits), cancellationToken);
    }

    public void DeleteState()
    {
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private string HostFileText(int apiReplicas, int webReplicas, ComposeLimits limits)
    {
        static string Memory(long bytes) => (bytes >> 20).ToString(CultureInfo.InvariantCulture) + "M";
        static string Cpus(double cpus) => cpus.ToString("0.##", CultureInfo.InvariantCulture);
        static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
        var postgresArguments = PostgresMemory.Overrides(limits.PostgresBytes, servers: 1);
        string Command(string role) => "[" + string.Join(", ", new[] { role }.Concat(postgresArguments).Select(Quote)) + "]";
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"""
            # Generated by `vitrine compose up` for this host; deploy/compose/docker-compose.prod.yml is the deployment.
            # Limits: the seed's, scaled by the rule in README ("Compose"): memory x{limits.ApiBytes / (double)Seed.ApiBytes:0.###}, CPUs capped at {System.Environment.ProcessorCount}.
            version: "3.9"
            services:
              nginx:
                environment: {"{"}HTTPS_PORT: "{Https.Resolve()}"{"}"}
                ports: ["127.0.0.1:{Https.Resolve()}:8443", "127.0.0.1:{Http.Resolve()}:8080"]
              prometheus:
                ports: ["127.0.0.1:{Prometheus.Resolve()}:9090"]
              web:
                deploy:
                  replicas: {webReplicas}
                  resources: {"{"}limits: {"{"}cpus: "{Cpus(limits.WebCpus)}", memory: {Memory(limits.WebBytes)}{"}"}{"}"}
              api:
                environment: {"{"}RateLimiting__ApiReplicas: "{apiReplicas}"{"}"}
                deploy:
                  replicas: {apiReplicas}
                  resources: {"{"}limits: {"{"}cpus: "{Cpus(limits.ApiCpus)}", memory: {Memory(limits.ApiBytes)}{"}"}{"}"}
              postgres:
                command: {Command("primary")}
                deploy: {"{"}resources: {"{"}limits: {"{"}memory: {Memory(limits.PostgresBytes)}{"}"}{"}"}{"}"}
              postgres-replica:
                command: {Command("replica")}
                deploy: {"{"}resources: {"{"}limits: {"{"}memory: {Memory(limits.PostgresBytes)}{"}"}{"}"}{"}"}
              redis-cache:
                deploy: {"{"}resources: {"{"}limits: {"{"}memory: {Memory(limits.RedisBytes)}{"}"}{"}"}{"}"}
              redis-durable:
                deploy: {"{"}resources: {"{"}limits: {"{"}memory: {Memory(limits.RedisBytes)}{"}"}{"}"}{"}"}
            secrets:
            """);
        foreach (var file in System.IO.Directory.EnumerateFiles(SecretsDirectory).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            if (name == "redis-durable-password")
            {
                continue; // no container reads it as such: the durable Redis' config and connection string carry it
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"  {(name == "admin.json" ? "admin" : name)}: {{file: {Quote(file)}}}");
        }

        return text.ToString();
    }

    private string ReadOrCreate(string name, Func<string> create)
    {
        var path = Path.Combine(SecretsDirectory, name);
        if (!File.Exists(path))
        {
            Write(name, create());
        }

        return File.ReadAllText(path).Trim();
    }

    private void Write(string name, string content)
    {
        var path = Path.Combine(SecretsDirectory, name);
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    /// <summary>A self-signed ECDSA P-256 pair for localhost (one year) unless one is there; production mounts its own.</summary>
    private void EnsureTlsPair()
    {
        if (File.Exists(Path.Combine(SecretsDirectory, "tls-cert")) && File.Exists(Path.Combine(SecretsDirectory, "tls-key")))
        {
            return;
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
        Write("tls-cert", certificate.ExportCertificatePem() + "\n");
        Write("tls-key", key.ExportPkcs8PrivateKeyPem() + "\n");
    }
}
