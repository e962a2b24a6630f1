using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Vitrine.AppHost;

// The seed's diagram as real local processes (no containers): PostgreSQL, two Redis servers, the one-shot migration
// step, then the API and Web replicas, each started only when what it needs is healthy. `./vitrine up` prepares the
// state directory (data, secrets, config) and passes its layout here as configuration.
var builder = DistributedApplication.CreateBuilder(args);
var stack = builder.Configuration.GetSection("Vitrine").Get<StackSettings>()
    ?? throw new InvalidOperationException("Start the stack with ./vitrine up: the Vitrine:* settings are missing.");

var postgresConnection = stack.PostgresConnectionString();
var redisCacheConnection = StackSettings.RedisConnectionString(stack.RedisCachePort, password: null);
var redisDurableConnection = StackSettings.RedisConnectionString(stack.RedisDurablePort, stack.ReadSecret("redis-durable-password"));

builder.Services.AddHealthChecks()
    // The server is ready once it accepts connections; the application database may not exist until migrate has run.
    .AddNpgSql(stack.PostgresConnectionString(database: "postgres"), name: "postgres-accepting")
    .AddRedis(redisCacheConnection, name: "redis-cache-ping")
    .AddRedis(redisDurableConnection, name: "redis-durable-ping");

// PostgreSQL refuses root: the wrapper drops to the postgres user and turns DCP's SIGTERM into a fast shutdown.
var postgres = builder.AddExecutable("postgres", "sh", stack.StateDirectory,
        stack.Deploy("postgres/run-postgres.sh"), stack.PostgresDataDirectory, stack.PostgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        stack.Deploy("postgres/postgresql.conf"), stack.PostgresSocketDirectory)
    .WithHealthCheck("postgres-accepting");

var redisCache = builder.AddExecutable("redis-cache", "redis-server", stack.StateDirectory,
        stack.Deploy("redis/redis-cache.conf"), "--port", stack.RedisCachePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--dir", stack.Directory("redis-cache"), "--bind", "127.0.0.1")
    .WithHealthCheck("redis-cache-ping");

var redisDurable = builder.AddExecutable("redis-durable", "redis-server", stack.StateDirectory,
        stack.Deploy("redis/redis-durable.conf"), "--port", stack.RedisDurablePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--dir", stack.Directory("redis-durable"), "--bind", "127.0.0.1", "--include", stack.Secret("redis-durable.conf"))
    .WithHealthCheck("redis-durable-ping");

// The one deliberate migration step: replicas start only after it has completed, so they never race to migrate.
var migrate = builder.AddProject<Projects.Vitrine_Cli>("migrate", launchProfileName: null)
    .WithArgs("migrate", "--state", stack.StateDirectory)
    .WithEnvironment("ConnectionStrings__Postgres", postgresConnection)
    .WaitFor(postgres);

// What every API and Web replica shares: its own fixed, unproxied port (nginx lists them), Production settings,
// the stack's connection strings, and a start only once its dependencies are healthy and the migration has run.
IResourceBuilder<ProjectResource> Replica(IResourceBuilder<ProjectResource> project, string name, int port) => project
    .WithHttpEndpoint(port: port, isProxied: false)
    .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production")
    .WithEnvironment("ConnectionStrings__Postgres", postgresConnection)
    .WithEnvironment("ConnectionStrings__Redis", redisCacheConnection)
    .WithEnvironment("ConnectionStrings__RedisDurable", redisDurableConnection)
    .WithEnvironment("Vitrine__PidFile", stack.PidFile(name))
    .WithHttpHealthCheck("/health/ready")
    .WaitFor(postgres)
    .WaitFor(redisCache)
    .WaitFor(redisDurable)
    .WaitForCompletion(migrate);

for (var replica = 1; replica <= stack.ApiReplicas; replica++)
{
    var name = $"api-{replica}";
    Replica(builder.AddProject<Projects.Vitrine_Api>(name, launchProfileName: null), name, stack.ApiBasePort + replica - 1)
        .WithEnvironment("Jwt__SigningKey", stack.ReadSecret("jwt-signing-key"))
        .WithEnvironment("RateLimiting__ApiReplicas", stack.ApiReplicas.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .WithEnvironment("Mail__PickupDirectory", stack.Directory("mail"))
        .WithEnvironment("Images__Directory", stack.Directory("images"))
        .WithEnvironment("Images__CacheDirectory", stack.Directory("images-cache"));
}

for (var replica = 1; replica <= stack.WebReplicas; replica++)
{
    var name = $"web-{replica}";
    Replica(builder.AddProject<Projects.Vitrine_Web>(name, launchProfileName: null), name, stack.WebBasePort + replica - 1);
}

builder.Build().Run();
