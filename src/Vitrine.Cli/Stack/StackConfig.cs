using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Vitrine.Cli.Stack;

/// <summary>
/// Renders the configuration under deploy/ (nginx, PgBouncer, Prometheus) for this machine's ports and paths, copies
/// what a server running as another user must read where that user can (postgresql.conf beside the data: a private
/// checkout is out of the postgres user's reach), and generates a self-signed TLS pair and PgBouncer's auth file.
/// The files in deploy/ are the configuration; only their {{NAME}} placeholders (ports and paths) are filled in here.
/// </summary>
public static partial class StackConfig
{
    public static async Task WriteAllAsync(StackModel stack, CancellationToken cancellationToken)
    {
        var layout = stack.Layout;
        var secrets = stack.Secrets;
        Directory.CreateDirectory(layout.ConfigDirectory);
        Directory.CreateDirectory(layout.LogsDirectory);
        // nginx's caches start empty with every `up`: what they hold belongs to the previous build of the replicas.
        if (Directory.Exists(layout.NginxCacheDirectory))
        {
            Directory.Delete(layout.NginxCacheDirectory, recursive: true);
        }

        Directory.CreateDirectory(layout.NginxCacheDirectory);
        Directory.CreateDirectory(layout.Directory(StackComponents.Prometheus));
        Directory.CreateDirectory(layout.Directory(StackComponents.Alertmanager));
        Directory.CreateDirectory(layout.PrometheusRulesDirectory);
        EnsureTlsPair(layout);

        string Servers(IEnumerable<string> replicas) => string.Join('\n', replicas
            .Select(replica => Invariant($"        server 127.0.0.1:{stack.Endpoint(replica).Port} max_fails=3 fail_timeout=10s;")));
        var brotli = Brotli(layout);
        await RenderAsync(layout, "nginx/nginx.conf", layout.NginxConfig, new Dictionary<string, string>
        {
            ["BROTLI_MODULES"] = brotli.Modules,
            ["BROTLI"] = brotli.Include,
            ["PID_FILE"] = layout.PidFile("nginx"),
            ["LOG_DIR"] = layout.LogsDirectory,
            ["CACHE_DIR"] = layout.NginxCacheDirectory,
            ["TLS_CERT"] = layout.TlsCertificate,
            ["TLS_KEY"] = layout.TlsKey,
            ["HTTPS_PORT"] = Invariant(stack.Port(StackPorts.Https)),
            ["HTTP_LISTEN"] = Invariant($"listen 127.0.0.1:{stack.Port(StackPorts.Http)};\n        listen [::1]:{stack.Port(StackPorts.Http)};"),
            ["HTTPS_LISTEN"] = Invariant($"listen 127.0.0.1:{stack.Port(StackPorts.Https)} ssl http2;\n        listen [::1]:{stack.Port(StackPorts.Https)} ssl http2;"),
            ["STATUS_PORT"] = Invariant(stack.Port(StackPorts.NginxStatus)),
            ["INTERNAL_LISTEN"] = Invariant($"listen 127.0.0.1:{stack.Port(StackPorts.InternalApi)};"),
            ["API_SERVERS"] = Servers(stack.ApiReplicas),
            ["WEB_SERVERS"] = Servers(stack.WebReplicas),
        }, cancellationToken);

        string Target(string component) => Invariant($"'127.0.0.1:{stack.Endpoint(component).Port}'");
        string Targets(IEnumerable<string> replicas) => "[" + string.Join(", ", replicas.Select(Target)) + "]";
        await RenderAsync(layout, "prometheus/prometheus.yml", layout.PrometheusConfig, new Dictionary<string, string>
        {
            ["RULES_FILE"] = layout.Deploy("prometheus/alerts.yml"),
            ["RULES_DIR"] = layout.PrometheusRulesDirectory,
            ["ALERTMANAGER"] = Target(StackComponents.Alertmanager),
            ["API_TARGETS"] = Targets(stack.ApiReplicas),
            ["WEB_TARGETS"] = Targets(stack.WebReplicas),
            ["NGINX_EXPORTER"] = Target(StackComponents.NginxExporter),
            ["POSTGRES_PRIMARY_EXPORTER"] = Target(StackComponents.PostgresExporter),
            ["POSTGRES_REPLICA_EXPORTER"] = Target(StackComponents.PostgresReplicaExporter),
            ["REDIS_EXPORTER"] = Target(StackComponents.RedisExporter),
            ["NODE_EXPORTER"] = Target(StackComponents.NodeExporter),
            ["REDIS_CACHE_TARGET"] = Invariant($"'redis://127.0.0.1:{stack.Port(StackPorts.RedisCache)}'"),
            ["REDIS_DURABLE_TARGET"] = Invariant($"'redis://127.0.0.1:{stack.Port(StackPorts.RedisDurable)}'"),
            ["SELF"] = Target(StackComponents.Prometheus),
        }, cancellationToken);

        await RenderAsync(layout, "alertmanager/alertmanager.yml", layout.AlertmanagerConfig, new Dictionary<string, string>
        {
            ["WEBHOOK_URL"] = stack.AlertWebhookUrl,
            ["WEBHOOK_TOKEN_FILE"] = layout.Secret(StackSecrets.AlertWebhookToken),
        }, cancellationToken);

        StackSecrets.WriteSecretFile(layout.RedisExporterPasswords,
            Invariant($"{{\"redis://127.0.0.1:{stack.Port(StackPorts.RedisDurable)}\":\"{secrets.Read(StackSecrets.RedisDurablePassword)}\"}}\n"));

        // PostgreSQL and PgBouncer run as the postgres user, which may not reach the checkout (a clone under /root):
        // postgresql.conf is copied, and PgBouncer's configuration and auth file written, beside PostgreSQL's data.
        Directory.CreateDirectory(Path.GetDirectoryName(layout.PostgresConfig)!);
        File.Copy(layout.Deploy("postgres/postgresql.conf"), layout.PostgresConfig, overwrite: true);
        // pgBackRest's (the archive command runs as the postgres user too), its local repository and lock directory.
        File.Copy(layout.Deploy("pgbackrest/pgbackrest.conf"), layout.PgBackRestConfig, overwrite: true);
        Directory.CreateDirectory(layout.BackupRepository);
        Directory.CreateDirectory(layout.PgBackRestLockDirectory);
        var pgbouncer = layout.PgBouncerDirectory;
        Directory.CreateDirectory(pgbouncer);
        var authFile = layout.PgBouncerAuthFile;
        StackSecrets.WriteSecretFile(authFile, $"\"{StackModel.DatabaseUser}\" \"{secrets.Read(StackSecrets.PostgresPassword)}\"\n");
        await RenderAsync(layout, "pgbouncer/pgbouncer.ini", layout.PgBouncerConfig, new Dictionary<string, string>
        {
            ["POSTGRES_HOST"] = "127.0.0.1",
            ["POSTGRES_PORT"] = Invariant(stack.Port(StackPorts.Postgres)),
            ["LISTEN_ADDR"] = "127.0.0.1",
            ["LISTEN_PORT"] = Invariant(stack.Port(StackPorts.PgBouncer)),
            ["SOCKET_DIR"] = pgbouncer,
            ["PID_FILE"] = Path.Combine(pgbouncer, "pgbouncer.pid"),
            ["LOG_FILE"] = "",
            ["AUTH_FILE"] = authFile,
        }, cancellationToken);
        if (Shell.IsRoot)
        {
            // A shell-out: .NET has no chown (only file modes). The repository's top only: what is inside is the
            // postgres user's already, and may be large.
            await Shell.RunAsync("chown", ["-R", "postgres:postgres", pgbouncer, Path.GetDirectoryName(layout.PostgresConfig)!, layout.PgBackRestLockDirectory], cancellationToken: cancellationToken);
            await Shell.RunAsync("chown", ["postgres:postgres", layout.BackupRepository], cancellationToken: cancellationToken);
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

    /// <summary>Debian's brotli modules where installed (the prerequisites install them); gzip alone where not.</summary>
    private static (string Modules, string Include) Brotli(StackLayout layout)
    {
        const string modules = "/usr/lib/nginx/modules";
        string[] names = ["ngx_http_brotli_filter_module.so", "ngx_http_brotli_static_module.so"];
        return names.All(name => File.Exists(Path.Combine(modules, name)))
            ? (string.Join('\n', names.Select(name => $"load_module {modules}/{name};")), $"include {layout.Deploy("nginx/brotli.conf")};")
            : ("# brotli: Debian's modules are not installed", "# brotli: off (no module)");
    }

    /// <summary>A self-signed ECDSA P-256 pair for localhost and 127.0.0.1 (one year), unless a pair is already there.</summary>
    private static void EnsureTlsPair(StackLayout layout)
    {
        if (File.Exists(layout.TlsCertificate) && File.Exists(layout.TlsKey))
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
        File.WriteAllText(layout.TlsCertificate, certificate.ExportCertificatePem() + "\n");
        StackSecrets.WriteSecretFile(layout.TlsKey, key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    private static string Invariant(FormattableString value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\{\{([A-Z_]+)\}\}")]
    private static partial Regex Placeholder();
}
