using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Vitrine.AppHost;

// The seed's diagram as real local processes (no containers): PostgreSQL with a streaming read replica and PgBouncer
// in front, two Redis servers, the one-shot migration step, the API and Web replicas, nginx in front of them, and
// Prometheus with its exporters. Each starts only when what it needs is healthy. `./vitrine up` prepares the state
// directory (data, secrets, rendered configuration) and passes its layout here as configuration.
var builder = DistributedApplication.CreateBuilder(args);
var stack = builder.Configuration.GetSection("Vitrine").Get<StackSettings>()
    ?? throw new InvalidOperationException("Start the stack with ./vitrine up: the Vitrine:* settings are missing.");
string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

var postgresPassword = stack.ReadSecret("postgres-password");
var redisCacheConnection = StackSettings.RedisConnectionString(stack.RedisCachePort, password: null);
var redisDurableConnection = StackSettings.RedisConnectionString(stack.RedisDurablePort, stack.ReadSecret("redis-durable-password"));

builder.Services.AddHealthChecks()
    // A server is ready once it accepts connections; the application database may not exist until migrate has run.
    .AddNpgSql(stack.PostgresConnectionString(database: "postgres"), name: "postgres-accepting")
    .AddNpgSql(stack.ReplicaConnectionString(database: "postgres"), name: "postgres-replica-accepting")
    .AddNpgSql(stack.PgBouncerConnectionString(database: "postgres"), name: "pgbouncer-accepting")
    .AddRedis(redisCacheConnection, name: "redis-cache-ping")
    .AddRedis(redisDurableConnection, name: "redis-durable-ping");

// Every resource's output also goes to .vitrine/logs/<name>.log (`vitrine logs`), and `vitrine restart` is served.
builder.Services.AddSingleton(stack);
builder.Services.AddSingleton<StackOperations>();
builder.Eventing.Subscribe<BeforeStartEvent>((started, _) =>
{
    started.Services.GetRequiredService<StackOperations>().Start();
    return Task.CompletedTask;
});

// PostgreSQL refuses root: the wrapper drops to the postgres user and turns DCP's SIGTERM into a fast shutdown.
// The seed's memory settings are scaled down only on a host smaller than the seed's 4 GB per server.
var memory = PostgresMemory.Overrides(PostgresMemory.HostBytes(), servers: 2);
var postgres = builder.AddExecutable("postgres", "sh", stack.StateDirectory,
        [stack.Deploy("postgres/run-postgres.sh"), stack.PostgresDataDirectory, Invariant(stack.PostgresPort),
        stack.Deploy("postgres/postgresql.conf"), stack.PostgresSocketDirectory, .. memory])
    .WithHealthCheck("postgres-accepting");

// The streaming read replica: made once from the primary with a replication slot, then started like the primary.
var replicaInit = builder.AddExecutable("postgres-replica-init", "sh", stack.StateDirectory,
        stack.Deploy("postgres/init-replica.sh"), "127.0.0.1", Invariant(stack.PostgresPort), stack.PostgresReplicaDataDirectory, stack.ReplicationSlot)
    .WithEnvironment("PGUSER", "vitrine")
    .WithEnvironment("PGPASSWORD", postgresPassword)
    .WaitFor(postgres);

var replica = builder.AddExecutable("postgres-replica", "sh", stack.StateDirectory,
        [stack.Deploy("postgres/run-postgres.sh"), stack.PostgresReplicaDataDirectory, Invariant(stack.PostgresReplicaPort),
        stack.Deploy("postgres/postgresql.conf"), stack.PostgresReplicaSocketDirectory, .. memory])
    .WithHealthCheck("postgres-replica-accepting")
    .WaitForCompletion(replicaInit);

// PgBouncer refuses root too; as root it runs as the postgres user, which owns its configuration and auth file.
var pgbouncer = (Environment.UserName == "root"
        ? builder.AddExecutable("pgbouncer", "setpriv", stack.StateDirectory, "--reuid=postgres", "--regid=postgres", "--init-groups", "--", "pgbouncer", stack.PgBouncerConfig)
        : builder.AddExecutable("pgbouncer", "pgbouncer", stack.StateDirectory, stack.PgBouncerConfig))
    .WithHealthCheck("pgbouncer-accepting")
    .WaitFor(postgres);

var redisCache = builder.AddExecutable("redis-cache", "redis-server", stack.StateDirectory,
        stack.Deploy("redis/redis-cache.conf"), "--port", Invariant(stack.RedisCachePort),
        "--dir", stack.Directory("redis-cache"), "--bind", "127.0.0.1")
    .WithHealthCheck("redis-cache-ping");

var redisDurable = builder.AddExecutable("redis-durable", "redis-server", stack.StateDirectory,
        stack.Deploy("redis/redis-durable.conf"), "--port", Invariant(stack.RedisDurablePort),
        "--dir", stack.Directory("redis-durable"), "--bind", "127.0.0.1", "--include", stack.Secret("redis-durable.conf"))
    .WithHealthCheck("redis-durable-ping");

// The one deliberate migration step, straight to the primary (migrations hold a session; PgBouncer's transaction
// pooling would not keep it): replicas start only after it has completed, so they never race to migrate.
var migrate = builder.AddProject<Projects.Vitrine_Cli>("migrate", launchProfileName: null)
    .WithArgs("migrate", "--state", stack.StateDirectory)
    .WithEnvironment("ConnectionStrings__Postgres", stack.PostgresConnectionString())
    .WaitFor(postgres);

// What every API and Web replica shares: the published build (as production runs it: fingerprinted, precompressed
// static assets), its own fixed, unproxied port (nginx lists them), Production settings, the stack's connection
// strings, telemetry to the dashboard, and a start only once its dependencies are healthy and the migration has run.
IResourceBuilder<ExecutableResource> Replica(string name, string published, string assembly, int port) => builder
    .AddExecutable(name, "dotnet", published, Path.Combine(published, assembly))
    .WithHttpEndpoint(port: port, isProxied: false)
    .WithEnvironment("ASPNETCORE_URLS", $"http://127.0.0.1:{Invariant(port)}")
    .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production")
    .WithEnvironment("OTEL_SERVICE_NAME", name)
    .WithOtlpExporter()
    // WithOtlpExporter asks every replica for always_on: sampling is left to the replicas' documented default instead
    // (ServiceDefaults' Telemetry: parent-based, 1 root in 10), unless whoever starts the stack sets
    // OTEL_TRACES_SAMPLER (and OTEL_TRACES_SAMPLER_ARG) themselves, e.g. always_on to follow every request.
    .WithEnvironment(context =>
    {
        void PassThrough(string variable)
        {
            context.EnvironmentVariables.Remove(variable);
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } chosen)
            {
                context.EnvironmentVariables[variable] = chosen;
            }
        }

        PassThrough("OTEL_TRACES_SAMPLER");
        PassThrough("OTEL_TRACES_SAMPLER_ARG");
    })
    .WithEnvironment("ConnectionStrings__Postgres", stack.PgBouncerConnectionString())
    .WithEnvironment("ConnectionStrings__PostgresRead", stack.ReplicaConnectionString())
    .WithEnvironment("ConnectionStrings__Redis", redisCacheConnection)
    .WithEnvironment("ConnectionStrings__RedisDurable", redisDurableConnection)
    .WithEnvironment("Vitrine__PidFile", stack.PidFile(name))
    .WithHttpHealthCheck("/health/ready")
    .WaitFor(pgbouncer)
    .WaitFor(replica)
    .WaitFor(redisCache)
    .WaitFor(redisDurable)
    .WaitForCompletion(migrate);

for (var index = 1; index <= stack.ApiReplicas; index++)
{
    var name = $"api-{index}";
    Replica(name, stack.PublishedApi, "Vitrine.Api.dll", stack.ApiBasePort + index - 1)
        .WithEnvironment("Jwt__SigningKey", stack.ReadSecret("jwt-signing-key"))
        .WithEnvironment("RateLimiting__ApiReplicas", Invariant(stack.ApiReplicas))
        .WithEnvironment("Mail__PickupDirectory", stack.Directory("mail"))
        .WithEnvironment("Images__Directory", stack.Directory("images"))
        .WithEnvironment("Images__CacheDirectory", stack.Directory("images-cache"));
}

for (var index = 1; index <= stack.WebReplicas; index++)
{
    var name = $"web-{index}";
    Replica(name, stack.PublishedWeb, "Vitrine.Web.dll", stack.WebBasePort + index - 1)
        // The Web reaches the API over HTTP through nginx's internal listener (least_conn over every API replica).
        .WithEnvironment("Api__BaseUrl", $"http://127.0.0.1:{Invariant(stack.InternalApiPort)}")
        .WithEnvironment("Ops__PrometheusUrl", $"http://127.0.0.1:{Invariant(stack.PrometheusPort)}");
}

// nginx: the master stays in the foreground for DCP; workers drop to www-data; every path is in the rendered config.
var nginx = builder.AddExecutable("nginx", "nginx", stack.StateDirectory,
        "-c", stack.NginxConfig, "-p", stack.StateDirectory, "-e", Path.Combine(stack.LogsDirectory, "nginx-error.log"), "-g", "daemon off;")
    .WithHttpEndpoint(port: stack.NginxStatusPort, isProxied: false, name: "status")
    .WithHttpHealthCheck("/health", endpointName: "status");

// Prometheus and the exporters Debian packages: nginx (stub_status), Redis (one exporter, both servers), PostgreSQL
// (one per server: postgres_exporter 0.11 given two servers at once reports duplicate series and fails the scrape).
// Debian's PgBouncer exporter (1.7) cannot read PgBouncer 1.18's SHOW STATS, so there is none (deploy/prometheus).
builder.AddExecutable("prometheus", "prometheus", stack.StateDirectory,
        $"--config.file={stack.PrometheusConfig}", $"--storage.tsdb.path={stack.Directory("prometheus")}",
        $"--web.listen-address=127.0.0.1:{Invariant(stack.PrometheusPort)}", "--storage.tsdb.retention.time=15d", "--web.enable-lifecycle")
    .WithHttpEndpoint(port: stack.PrometheusPort, isProxied: false)
    .WithHttpHealthCheck("/-/ready");

builder.AddExecutable("nginx-exporter", "prometheus-nginx-exporter", stack.StateDirectory,
        $"-nginx.scrape-uri=http://127.0.0.1:{Invariant(stack.NginxStatusPort)}/stub_status", $"-web.listen-address=127.0.0.1:{Invariant(stack.ExporterPort(0))}")
    .WaitFor(nginx);

builder.AddExecutable("redis-exporter", "prometheus-redis-exporter", stack.StateDirectory,
        $"-web.listen-address=127.0.0.1:{Invariant(stack.ExporterPort(1))}", "-redis.addr=", $"-redis.password-file={stack.RedisExporterPasswords}")
    .WaitFor(redisCache)
    .WaitFor(redisDurable);

foreach (var (name, server, port, exporterPort) in new[]
{
    ("postgres-exporter", postgres, stack.PostgresPort, stack.ExporterPort(2)),
    ("postgres-replica-exporter", replica, stack.PostgresReplicaPort, stack.ExporterPort(3)),
})
{
    builder.AddExecutable(name, "prometheus-postgres-exporter", stack.StateDirectory, $"--web.listen-address=127.0.0.1:{Invariant(exporterPort)}")
        .WithEnvironment("DATA_SOURCE_NAME", $"postgresql://vitrine:{postgresPassword}@127.0.0.1:{Invariant(port)}/postgres?sslmode=disable")
        .WaitFor(server);
}

builder.Build().Run();
