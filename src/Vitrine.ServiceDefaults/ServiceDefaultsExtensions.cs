using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vitrine.Data;

namespace Vitrine.ServiceDefaults;

/// <summary>What every Vitrine process (API and Web replicas) shares: the eShop "service defaults" idea.</summary>
public static class ServiceDefaultsExtensions
{
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        builder.AddStructuredLogging();
        builder.AddVitrineData();
        builder.AddVitrineRedis();
        builder.AddProblemResponses();
        builder.AddVitrineHealthChecks();
        builder.AddVitrineTelemetry();
        builder.AddVitrineSecurityHeaders();

        // Behind nginx: trust X-Forwarded-For/Proto from the load balancer on loopback (the local topology).
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            options.ForwardLimit = 1;
        });

        // No "Server: Kestrel" banner: it only helps an attacker fingerprint the stack.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

        // Graceful shutdown: on SIGTERM Kestrel stops accepting and drains in-flight requests for this long.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(25));

        builder.Services.AddHostedService<PidFile>();
        builder.Services.AddHttpClient();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        return builder;
    }

    /// <summary>The middleware every process runs first, in order.</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseVitrineSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestLogging();
        return app;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapVitrineHealthChecks();
        app.MapPrometheusScrapingEndpoint("/metrics").ExcludeFromDescription();
        return app;
    }
}
