using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Vitrine.AppHost;
using Vitrine.Stack;

// The seed's diagram as real local processes (no containers): PostgreSQL with a streaming read replica and PgBouncer
// in front, two Redis servers, the one-shot migration step, the API and Web replicas, nginx in front of them, and
// Prometheus with its exporters. Each starts only when what it needs is healthy. `./vitrine up` prepares the state
// directory (data, secrets, rendered configuration, the resolved model in run/stack.json) and names it here.
var builder = DistributedApplication.CreateBuilder(args);
var layout = new StackLayout(
    builder.Configuration["Vitrine:RepositoryRoot"] ?? throw new InvalidOperationException("Start the stack with ./vitrine up: Vitrine:RepositoryRoot is missing."),
    builder.Configuration["Vitrine:StateDirectory"] ?? throw new InvalidOperationException("Start the stack with ./vitrine up: Vitrine:StateDirectory is missing."));
var stack = StackModel.Load(layout) ?? throw new InvalidOperationException($"Start the stack with ./vitrine up: {layout.ModelFile} is missing.");
string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

builder.Services.AddHealthChecks()
    // A server is ready once it accepts connections; the application database may not exist until migrate has run.
    .AddNpgSql(stack.Primary("postgres").ConnectionString, name: "postgres-accepting")
    .AddNpgSql(stack.Replica("postgres").ConnectionString, name: "postgres-replica-accepting")
    .AddNpgSql(stack.PgBouncer("postgres").ConnectionString, name: "pgbouncer-accepting")
    .AddRedis(stack.RedisCache().ToString(), name: "redis-cache-ping")
    .AddRedis(stack.RedisDurable().ToString(), name: "redis-durable-ping");

// Every resource's output also goes to .vitrine/logs/<name>.log (`vitrine logs`); the CLI's commands (status,
// restart, down) reach this process over the backchannel socket in .vitrine/run.
builder.Services.AddSingleton(stack);
builder.Services.AddSingleton<ResourceLogFiles>();
builder.Services.AddSingleton<ResourceStates>();
builder.Services.AddSingleton<Backchannel>();
builder.Eventing.Subscribe<BeforeStartEvent>(async (started, cancellationToken) =>
{
    started.Services.GetRequiredService<ResourceLogFiles>().Start();
    started.Services.GetRequiredService<ResourceStates>().Start();
    await started.Services.GetRequiredService<Backchannel>().StartAsync(cancellationToken);
});

// PostgreSQL refuses root: the wrapper drops to the postgres user and turns DCP's SIGTERM into a fast shutdown.
// The seed's memory settings are scaled down only on a host smaller than the seed's 4 GB per server.
var memory = PostgresMemory.Overrides(PostgresMemory.HostBytes(), servers: 2);
var postgres = builder.AddExecutable(StackComponents.Postgres, "sh", layout.StateDirectory,
        [layout.Deploy("postgres/run-postgres.sh"), layout.PostgresDataDirectory, Invariant(stack.Port(StackPorts.Postgres)),
        layout.PostgresConfig, layout.PostgresSocketDirectory, .. memory])
    // archive_command (and, after a restore, restore_command) run pgBackRest, which finds its settings here.
    .WithEnvironment(context => Pass(context, stack.BackupEnvironment()))
    .WithHealthCheck("postgres-accepting");

// pgBackRest's schedule (full weekly, differential daily, incremental hourly; a first full backup at once).
builder.AddExecutable(StackComponents.BackupSchedule, "sh", layout.StateDirectory, layout.Deploy("pgbackrest/schedule.sh"))
    .WithEnvironment(context => Pass(context, stack.BackupClientEnvironment()))
    .WaitFor(postgres);

// The streaming read replica: made once from the primary with a replication slot, then started like the primary.
var replicaInit = builder.AddExecutable(StackComponents.PostgresReplicaInit, "sh", layout.StateDirectory,
        layout.Deploy("postgres/init-replica.sh"), "127.0.0.1", Invariant(stack.Port(StackPorts.Postgres)), layout.PostgresReplicaDataDirectory, StackModel.ReplicationSlot)
    .WithEnvironment(context => Pass(context, stack.ReplicaInitEnvironment))
    .WaitFor(postgres);

var replica = builder.AddExecutable(StackComponents.PostgresReplica, "sh", layout.StateDirectory,
        [layout.Deploy("postgres/run-postgres.sh"), layout.PostgresReplicaDataDirectory, Invariant(stack.Port(StackPorts.PostgresReplica)),
        layout.PostgresConfig, layout.PostgresReplicaSocketDirectory, .. memory])
    .WithHealthCheck("postgres-replica-accepting")
    .WaitForCompletion(replicaInit);

// PgBouncer refuses root too; as root it runs as the postgres user, which owns its configuration and auth file.
var pgbouncer = (Environment.UserName == "root"
        ? builder.AddExecutable(StackComponents.PgBouncer, "setpriv", layout.StateDirectory, "--reuid=postgres", "--regid=postgres", "--init-groups", "--", "pgbouncer", layout.PgBouncerConfig)
        : builder.AddExecutable(StackComponents.PgBouncer, "pgbouncer", layout.StateDirectory, layout.PgBouncerConfig))
    .WithHealthCheck("pgbouncer-accepting")
    .WaitFor(postgres);

var redisCache = builder.AddExecutable(StackComponents.RedisCache, "redis-server", layout.StateDirectory,
        layout.Deploy("redis/redis-cache.conf"), "--port", Invariant(stack.Port(StackPorts.RedisCache)),
        "--dir", layout.Directory(StackComponents.RedisCache), "--bind", "127.0.0.1")
    .WithHealthCheck("redis-cache-ping");

var redisDurable = builder.AddExecutable(StackComponents.RedisDurable, "redis-server", layout.StateDirectory,
        layout.Deploy("redis/redis-durable.conf"), "--port", Invariant(stack.Port(StackPorts.RedisDurable)),
        "--dir", layout.Directory(StackComponents.RedisDurable), "--bind", "127.0.0.1", "--include", layout.Secret(StackSecrets.RedisDurableConfig))
    .WithHealthCheck("redis-durable-ping");

// The one deliberate migration step, straight to the primary (migrations hold a session; PgBouncer's transaction
// pooling would not keep it): replicas start only after it has completed, so they never race to migrate.
var migrate = builder.AddProject<Projects.Vitrine_Cli>(StackComponents.Migrate, launchProfileName: null)
    .WithArgs("migrate", "--state", layout.StateDirectory)
    .WithEnvironment("ConnectionStrings__Postgres", stack.Primary().ConnectionString)
    .WaitFor(postgres);

// What every API and Web replica shares: the published build (as production runs it: fingerprinted, precompressed
// static assets), its own fixed, unproxied port (nginx lists them), the environment the model gives it, telemetry
// to the dashboard, and a start only once its dependencies are healthy and the migration has run.
// A replica's output (a line per request) goes straight to its log file, not through the orchestrator to this process
// and the dashboard: relaying every line cost more CPU than the replica spent answering the request (measured:
// AppHost, DCP and dashboard together over 90 % of a core at 8,800 req/s). The dashboard keeps traces and metrics.
IResourceBuilder<ExecutableResource> Replica(string name, string published, string assembly, int port, Dictionary<string, string> environment) => builder
    .AddExecutable(name, "sh", published, "-c", "exec dotnet \"$0\" >>\"$1\" 2>&1", Path.Combine(published, assembly), layout.Log(name))
    .WithHttpEndpoint(port: port, isProxied: false)
    .WithEnvironment("ASPNETCORE_URLS", StackModel.HttpUrl(port))
    .WithEnvironment("OTEL_SERVICE_NAME", name)
    .WithOtlpExporter()
    // WithOtlpExporter asks every replica for always_on: sampling is left to the replicas' documented default instead
    // (ServiceDefaults' Telemetry: parent-based, 1 root in 100), unless whoever starts the stack sets
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
        // Aspire's development values export metrics every second and spans and logs every second: the SDK's span
        // batch delay (5 s) is kept, and metrics go every 10 s (Prometheus scrapes every 15 s), unless chosen.
        PassThrough("OTEL_BSP_SCHEDULE_DELAY");
        PassThrough("OTEL_BLRP_SCHEDULE_DELAY");
        PassThrough("OTEL_METRIC_EXPORT_INTERVAL");
        context.EnvironmentVariables.TryAdd("OTEL_METRIC_EXPORT_INTERVAL", "10000");
        foreach (var (key, value) in environment)
        {
            context.EnvironmentVariables[key] = value;
        }

        context.EnvironmentVariables["Vitrine__PidFile"] = layout.PidFile(name);
    })
    .WithHttpHealthCheck("/health/ready")
    .WaitFor(pgbouncer)
    .WaitFor(replica)
    .WaitFor(redisCache)
    .WaitFor(redisDurable)
    .WaitForCompletion(migrate);

for (var index = 1; index <= stack.Topology.ApiReplicas; index++)
{
    Replica(StackComponents.Api(index), layout.PublishedApi, "Vitrine.Api.dll", stack.ApiPort(index), stack.ApiEnvironment());
}

for (var index = 1; index <= stack.Topology.WebReplicas; index++)
{
    Replica(StackComponents.Web(index), layout.PublishedWeb, "Vitrine.Web.dll", stack.WebPort(index), stack.WebEnvironment());
}

// nginx: the master stays in the foreground for DCP; workers drop to www-data; every path is in the rendered config.
var nginx = builder.AddExecutable(StackComponents.Nginx, "nginx", layout.StateDirectory,
        "-c", layout.NginxConfig, "-p", layout.StateDirectory, "-e", layout.Log("nginx-error"), "-g", "daemon off;")
    .WithHttpEndpoint(port: stack.Port(StackPorts.NginxStatus), isProxied: false, name: "status")
    .WithHttpHealthCheck("/health", endpointName: "status");

// Prometheus and the exporters Debian packages: nginx (stub_status), Redis (one exporter, both servers), PostgreSQL
// (one per server: postgres_exporter 0.11 given two servers at once reports duplicate series and fails the scrape).
// Debian's PgBouncer exporter (1.7) cannot read PgBouncer 1.18's SHOW STATS, so there is none (deploy/prometheus).
builder.AddExecutable(StackComponents.Prometheus, "prometheus", layout.StateDirectory,
        $"--config.file={layout.PrometheusConfig}", $"--storage.tsdb.path={layout.Directory(StackComponents.Prometheus)}",
        $"--web.listen-address=127.0.0.1:{Invariant(stack.Port(StackPorts.Prometheus))}", "--storage.tsdb.retention.time=15d", "--web.enable-lifecycle")
    .WithHttpEndpoint(port: stack.Port(StackPorts.Prometheus), isProxied: false)
    .WithHttpHealthCheck("/-/ready");

// Alertmanager routes, groups and inhibits what Prometheus fires and delivers it to the Web's receiver (/admin/ops).
// One instance: its cluster listener (default: every interface, port 9094) is off.
builder.AddExecutable(StackComponents.Alertmanager, "prometheus-alertmanager", layout.StateDirectory,
        $"--config.file={layout.AlertmanagerConfig}", $"--storage.path={layout.Directory(StackComponents.Alertmanager)}",
        $"--web.listen-address=127.0.0.1:{Invariant(stack.Port(StackPorts.Alertmanager))}", "--cluster.listen-address=")
    .WithHttpEndpoint(port: stack.Port(StackPorts.Alertmanager), isProxied: false)
    .WithHttpHealthCheck("/-/ready");

builder.AddExecutable(StackComponents.NginxExporter, "prometheus-nginx-exporter", layout.StateDirectory,
        $"-nginx.scrape-uri=http://127.0.0.1:{Invariant(stack.Port(StackPorts.NginxStatus))}/stub_status",
        $"-web.listen-address=127.0.0.1:{Invariant(stack.ExporterPort(StackComponents.NginxExporter))}")
    .WaitFor(nginx);

builder.AddExecutable(StackComponents.RedisExporter, "prometheus-redis-exporter", layout.StateDirectory,
        $"-web.listen-address=127.0.0.1:{Invariant(stack.ExporterPort(StackComponents.RedisExporter))}", "-redis.addr=", $"-redis.password-file={layout.RedisExporterPasswords}")
    .WaitFor(redisCache)
    .WaitFor(redisDurable);

foreach (var (name, server, port) in new[]
{
    (StackComponents.PostgresExporter, postgres, StackPorts.Postgres),
    (StackComponents.PostgresReplicaExporter, replica, StackPorts.PostgresReplica),
})
{
    builder.AddExecutable(name, "prometheus-postgres-exporter", layout.StateDirectory, $"--web.listen-address=127.0.0.1:{Invariant(stack.ExporterPort(name))}")
        .WithEnvironment("DATA_SOURCE_NAME", stack.PostgresUri(stack.Port(port), "postgres") + "?sslmode=disable")
        .WaitFor(server);
}

// The host's CPU, memory, disk and network (the seed's host alerts read these).
builder.AddExecutable(StackComponents.NodeExporter, "prometheus-node-exporter", layout.StateDirectory,
    $"--web.listen-address=127.0.0.1:{Invariant(stack.ExporterPort(StackComponents.NodeExporter))}");

builder.Build().Run();

static void Pass(EnvironmentCallbackContext context, IReadOnlyDictionary<string, string> environment)
{
    foreach (var (name, value) in environment)
    {
        context.EnvironmentVariables[name] = value;
    }
}
