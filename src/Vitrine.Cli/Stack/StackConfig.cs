using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Vitrine.Cli.Stack;

/// <summary>
/// Renders the configuration under deploy/ (nginx, PgBouncer, Prometheus) for this machine's ports and paths, and
/// generates what the local stack needs beside it: a self-signed TLS pair and PgBouncer's auth file. The files in
/// deploy/ are the configuration; only their {{NAME}} placeholders (ports and paths) are filled in here.
/// </summary>
public static partial class StackConfig
{
    public const string ReplicationSlot = "vitrine_replica";

    public static string NginxConfig(StackLayout layout) => Path.Combine(layout.ConfigDirectory, "nginx.conf");

    public static string NginxCacheDirectory(StackLayout layout) => Path.Combine(layout.ServiceDirectory, "nginx");

    public static string PrometheusConfig(StackLayout layout) => Path.Combine(layout.ConfigDirectory, "prometheus.yml");

    public static string PgBouncerDirectory(StackLayout layout) => Path.Combine(layout.PostgresDirectory, "pgbouncer");

    public static string PgBouncerConfig(StackLayout layout) => Path.Combine(PgBouncerDirectory(layout), "pgbouncer.ini");

    public static string RedisExporterPasswords(StackLayout layout) => layout.Secret("redis-exporter-passwords.json");

    /// <summary>A real certificate goes here (PEM): `up` generates a self-signed pair only when these are missing.</summary>
    public static string TlsCertificate(StackLayout layout) => Path.Combine(layout.TlsDirectory, "cert.pem");

    public static string TlsKey(StackLayout layout) => Path.Combine(layout.TlsDirectory, "key.pem");

    public static int ExporterPort(string exporter) => StackLayout.Exporters.Offset(exporter switch
    {
        "nginx" => 0,
        "redis" => 1,
        "postgres" => 2,
        "postgres-replica" => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(exporter), exporter, "Unknown exporter."),
    });

    public static async Task WriteAllAsync(StackLayout layout, Topology topology, StackSecrets secrets, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(layout.ConfigDirectory);
        Directory.CreateDirectory(layout.LogsDirectory);
        // nginx's caches start empty with every `up`: what they hold belongs to the previous build of the replicas.
        if (Directory.Exists(NginxCacheDirectory(layout)))
        {
            Directory.Delete(NginxCacheDirectory(layout), recursive: true);
        }

        Directory.CreateDirectory(NginxCacheDirectory(layout));
        Directory.CreateDirectory(Path.Combine(layout.StateDirectory, "prometheus"));
        EnsureTlsPair(layout);

        string Servers(StackPort port, int count) => string.Join('\n', Enumerable.Range(0, count)
            .Select(i => Invariant($"        server 127.0.0.1:{port.Offset(i)} max_fails=3 fail_timeout=10s;")));
        await RenderAsync(layout, "nginx/nginx.conf", NginxConfig(layout), new Dictionary<string, string>
        {
            ["MODULES"] = "/usr/lib/nginx/modules",
            ["PID_FILE"] = layout.PidFile("nginx"),
            ["LOG_DIR"] = layout.LogsDirectory,
            ["CACHE_DIR"] = NginxCacheDirectory(layout),
            ["TLS_CERT"] = TlsCertificate(layout),
            ["TLS_KEY"] = TlsKey(layout),
            ["HTTPS_PORT"] = Invariant(StackLayout.Https.Value),
            ["HTTP_LISTEN"] = Invariant($"listen 127.0.0.1:{StackLayout.Http.Value};\n        listen [::1]:{StackLayout.Http.Value};"),
            ["HTTPS_LISTEN"] = Invariant($"listen 127.0.0.1:{StackLayout.Https.Value} ssl http2;\n        listen [::1]:{StackLayout.Https.Value} ssl http2;"),
            ["STATUS_PORT"] = Invariant(StackLayout.NginxStatus.Value),
            ["INTERNAL_LISTEN"] = Invariant($"listen 127.0.0.1:{StackLayout.InternalApi.Value};"),
            ["API_SERVERS"] = Servers(StackLayout.Api, topology.ApiReplicas),
            ["WEB_SERVERS"] = Servers(StackLayout.Web, topology.WebReplicas),
        }, cancellationToken);

        string Targets(StackPort port, int count) =>
            "[" + string.Join(", ", Enumerable.Range(0, count).Select(i => Invariant($"'127.0.0.1:{port.Offset(i)}'"))) + "]";
        await RenderAsync(layout, "prometheus/prometheus.yml", PrometheusConfig(layout), new Dictionary<string, string>
        {
            ["RULES_FILE"] = Path.Combine(layout.RepositoryRoot, "deploy", "prometheus", "alerts.yml"),
            ["API_TARGETS"] = Targets(StackLayout.Api, topology.ApiReplicas),
            ["WEB_TARGETS"] = Targets(StackLayout.Web, topology.WebReplicas),
            ["NGINX_EXPORTER"] = Invariant($"'127.0.0.1:{ExporterPort("nginx")}'"),
            ["POSTGRES_PRIMARY_EXPORTER"] = Invariant($"'127.0.0.1:{ExporterPort("postgres")}'"),
            ["POSTGRES_REPLICA_EXPORTER"] = Invariant($"'127.0.0.1:{ExporterPort("postgres-replica")}'"),
            ["REDIS_EXPORTER"] = Invariant($"'127.0.0.1:{ExporterPort("redis")}'"),
            ["REDIS_CACHE_TARGET"] = Invariant($"'redis://127.0.0.1:{StackLayout.RedisCache.Value}'"),
            ["REDIS_DURABLE_TARGET"] = Invariant($"'redis://127.0.0.1:{StackLayout.RedisDurable.Value}'"),
            ["SELF"] = Invariant($"'127.0.0.1:{StackLayout.Prometheus.Value}'"),
        }, cancellationToken);

        StackSecrets.WriteSecretFile(RedisExporterPasswords(layout),
            Invariant($"{{\"redis://127.0.0.1:{StackLayout.RedisDurable.Value}\":\"{secrets.Read(StackSecrets.RedisDurablePassword)}\"}}\n"));

        // PgBouncer runs as the postgres user: its configuration and auth file live beside PostgreSQL's data.
        var pgbouncer = PgBouncerDirectory(layout);
        Directory.CreateDirectory(pgbouncer);
        var authFile = Path.Combine(pgbouncer, "userlist.txt");
        StackSecrets.WriteSecretFile(authFile, $"\"{PostgresCluster.User}\" \"{secrets.Read(StackSecrets.PostgresPassword)}\"\n");
        await RenderAsync(layout, "pgbouncer/pgbouncer.ini", PgBouncerConfig(layout), new Dictionary<string, string>
        {
            ["POSTGRES_HOST"] = "127.0.0.1",
            ["POSTGRES_PORT"] = Invariant(StackLayout.Postgres.Value),
            ["LISTEN_ADDR"] = "127.0.0.1",
            ["LISTEN_PORT"] = Invariant(StackLayout.PgBouncer.Value),
            ["SOCKET_DIR"] = pgbouncer,
            ["PID_FILE"] = Path.Combine(pgbouncer, "pgbouncer.pid"),
            ["LOG_FILE"] = "",
            ["AUTH_FILE"] = authFile,
        }, cancellationToken);
        if (Shell.IsRoot)
        {
            await Shell.RunAsync("chown", ["-R", "postgres:postgres", pgbouncer], cancellationToken: cancellationToken);
        }
    }

    /// <summary>Fills every {{NAME}} of a deploy/ template; a placeholder left without a value is an error.</summary>
    public static async Task RenderAsync(StackLayout layout, string template, string target, IReadOnlyDictionary<string, string> values, CancellationToken cancellationToken)
    {
        var text = await File.ReadAllTextAsync(Path.Combine(layout.RepositoryRoot, "deploy", template), cancellationToken);
        var missing = new HashSet<string>(StringComparer.Ordinal);
        var rendered = Placeholder().Replace(text, match =>
        {
            var name = match.Groups[1].Value;
            if (values.TryGetValue(name, out var value))
            {
                return value;
            }

            missing.Add(name);
            return match.Value;
        });
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"deploy/{template}: no value for {string.Join(", ", missing)}.");
        }

        await File.WriteAllTextAsync(target, rendered, cancellationToken);
    }

    /// <summary>A self-signed ECDSA P-256 pair for localhost and 127.0.0.1 (one year), unless a pair is already there.</summary>
    private static void EnsureTlsPair(StackLayout layout)
    {
        if (File.Exists(TlsCertificate(layout)) && File.Exists(TlsKey(layout)))
        {
            return;
        }

        Directory.CreateDirectory(layout.TlsDirectory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllText(TlsCertificate(layout), certificate.ExportCertificatePem() + "\n");
        StackSecrets.WriteSecretFile(TlsKey(layout), key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\{\{([A-Z_]+)\}\}")]
    private static partial Regex Placeholder();
}
