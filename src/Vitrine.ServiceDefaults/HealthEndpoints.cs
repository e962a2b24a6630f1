using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;
using Vitrine.Data;

namespace Vitrine.ServiceDefaults;

/// <summary>/health/live (the process answers) and /health/ready (PostgreSQL and both Redis answer).</summary>
public static class HealthEndpoints
{
    private const string ReadyTag = "ready";

    public static WebApplicationBuilder AddVitrineHealthChecks(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddNpgSql(name: "postgres", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(3))
            .AddRedis(sp => sp.GetRequiredKeyedService<IConnectionMultiplexer>(RedisConnections.Cache), name: "redis-cache", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(3))
            .AddRedis(sp => sp.GetRequiredKeyedService<IConnectionMultiplexer>(RedisConnections.Durable), name: "redis-durable", tags: [ReadyTag], timeout: TimeSpan.FromSeconds(3));
        return builder;
    }

    public static WebApplication MapVitrineHealthChecks(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).ExcludeFromDescription();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = 200,
                [HealthStatus.Degraded] = 200,
                [HealthStatus.Unhealthy] = 503,
            },
        }).ExcludeFromDescription();
        return app;
    }
}
