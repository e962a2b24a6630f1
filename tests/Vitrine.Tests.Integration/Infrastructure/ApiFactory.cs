using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>
/// The API on a real Kestrel server (WebApplicationFactory.UseKestrel) against the run's real PostgreSQL and Redis,
/// with a database of its own cloned from the migrated template. Use as a class fixture: one database per test class.
/// Like production, the API reaches the primary through PgBouncer (transaction pooling) and reads from the streaming
/// replica (ConnectionStrings:PostgresRead) and fills catalog cache misses from the primary directly
/// (ConnectionStrings:PostgresDirect); <see cref="ConnectionString"/> is the primary itself, for the tests too.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>A fixed test key (Production refuses to start without one of at least 256 bits).</summary>
    public const string SigningKey = "dGVzdC1zaWduaW5nLWtleS1mb3Itdml0cmluZS1pbnRlZ3JhdGlvbi10ZXN0cy0wMTIzNDU2Nzg5";

    private TestServices.Servers? servers;

    public ApiFactory()
    {
        // A free loopback port chosen by Kestrel's own options: UseKestrel(0) rewrites the server's addresses after the
        // host is built, which races the app's own start (seen under load: "Addresses cannot be modified after the
        // server has started").
        UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
    }

    public string ConnectionString { get; protected set; } = "";

    public string MailDirectory => Settings["Mail:PickupDirectory"]!;

    public TestServices.Servers Servers => servers ?? throw new InvalidOperationException("not initialised");

    /// <summary>Settings for this API instance; subclasses and tests may change them before the first client is made.</summary>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        // Generous limits by default, so tests that log in often share 127.0.0.1 without tripping each other;
        // the rate-limit tests set the seed's numbers explicitly.
        ["RateLimiting:LoginsPerMinute"] = "10000",
        ["RateLimiting:RegistrationsPerHour"] = "10000",
        ["RateLimiting:GeneralRequestsPerSecond"] = "100000",
        ["Accounts:BcryptWorkFactor"] = "4",
        // Jobs of this API (and its replicas) only: a prefix of its own in the shared durable Redis, quick polling
        // and retries, and a mail directory of its own.
        ["Jobs:Prefix"] = $"vitrine-test:{Guid.NewGuid():N}:jobs:",
        ["Caching:Name"] = $"vitrine-test-{Guid.NewGuid():N}",
        ["Jobs:PollingSeconds"] = "1",
        ["Jobs:RetryDelaysSeconds"] = "1,1,2",
        ["Mail:PickupDirectory"] = Path.Combine(Path.GetTempPath(), "vitrine-tests-mail", Guid.NewGuid().ToString("N")),
        ["Images:Directory"] = Path.Combine(Path.GetTempPath(), "vitrine-tests-images", Guid.NewGuid().ToString("N"), "originals"),
        ["Images:CacheDirectory"] = Path.Combine(Path.GetTempPath(), "vitrine-tests-images", Guid.NewGuid().ToString("N"), "variants"),
        ["Serilog:MinimumLevel:Default"] = "Warning",
        // The demo pictures' job would repaint each test database's demo catalog; DemoPicturesTests runs it itself.
        ["Images:DemoPictures"] = "false",
    };

    public virtual async Task InitializeAsync()
    {
        servers = await TestServices.GetAsync();
        ConnectionString = await servers.Postgres.CreateDatabaseAsync(GetType().Name);
        await servers.Replica.WaitForDatabaseAsync(PgBouncerServer.DatabaseOf(ConnectionString));
    }

    /// <summary>A second API instance on the same database and Redis (another replica).</summary>
    public ApiFactory Replica()
    {
        var replica = new ApiFactory { servers = servers, ConnectionString = ConnectionString };
        foreach (var (key, value) in Settings)
        {
            replica.Settings[key] = value;
        }

        return replica;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environments.Production);
        var database = PgBouncerServer.DatabaseOf(ConnectionString);
        builder.UseSetting("ConnectionStrings:Postgres", Servers.PgBouncer.ConnectionString(database));
        builder.UseSetting("ConnectionStrings:PostgresRead", Servers.Replica.ConnectionString(database));
        builder.UseSetting("ConnectionStrings:PostgresDirect", ConnectionString);
        builder.UseSetting("ConnectionStrings:Redis", Servers.Cache.ConnectionString);
        builder.UseSetting("ConnectionStrings:RedisDurable", Servers.Durable.ConnectionString);
        builder.UseSetting("Jwt:SigningKey", SigningKey);
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();
}
