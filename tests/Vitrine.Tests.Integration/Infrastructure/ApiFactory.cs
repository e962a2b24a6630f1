using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>
/// The API in process (WebApplicationFactory) against the run's real PostgreSQL and Redis, with a database of
/// its own cloned from the migrated template. Use as a class fixture: one database per test class.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private TestServices.Servers? servers;

    public string ConnectionString { get; private set; } = "";

    public TestServices.Servers Servers => servers ?? throw new InvalidOperationException("not initialised");

    public virtual async Task InitializeAsync()
    {
        servers = await TestServices.GetAsync();
        ConnectionString = await servers.Postgres.CreateDatabaseAsync(GetType().Name);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environments.Production);
        builder.UseSetting("ConnectionStrings:Postgres", ConnectionString);
        builder.UseSetting("ConnectionStrings:Redis", Servers.Cache.ConnectionString);
        builder.UseSetting("ConnectionStrings:RedisDurable", Servers.Durable.ConnectionString);
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
    }

    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();
}
