using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Vitrine.Data;

namespace Vitrine.ServiceDefaults;

/// <summary>Which kind of process: it decides the default Content-Security-Policy.</summary>
public enum ServiceKind
{
    /// <summary>JSON only: nothing may load or frame anything.</summary>
    Api,

    /// <summary>HTML pages: scripts, styles and images from this origin only.</summary>
    Web,
}

/// <summary>What every Vitrine process (API and Web replicas) shares: the eShop "service defaults" idea.</summary>
public static class ServiceDefaultsExtensions
{
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, ServiceKind kind = ServiceKind.Api)
    {
        // appsettings.json, then environment variables, then mounted secrets (file name = key, "__" = ":").
        builder.Configuration.AddKeyPerFile(VitrineHost.SecretsDirectory, optional: true);

        builder.AddStructuredLogging();
        builder.AddVitrineData();
        builder.AddVitrineRedis();
        builder.AddSharedDataProtection();
        builder.AddProblemResponses();
        builder.AddVitrineHealthChecks();
        builder.AddVitrineTelemetry();
        builder.AddErrorTracking();
        builder.AddVitrineSecurityHeaders(kind);

        // Behind nginx: trust X-Forwarded-For/Proto from the load balancer on loopback (the local topology).
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            options.ForwardLimit = 1;
            // Loopback is trusted by default (the local topology); in containers nginx has an address on the frontend
            // network, listed here as CIDR ranges (ForwardedHeaders__KnownNetworks, comma-separated).
            foreach (var network in (builder.Configuration["ForwardedHeaders:KnownNetworks"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
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
        // Outside the exception handler, so the request line carries the status the client got (a client that hung up
        // is 499, not 500); the handler logs an unexpected exception itself, once, with its trace id.
        app.UseRequestLogging();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapVitrineHealthChecks();
        app.MapPrometheusScrapingEndpoint("/metrics").ExcludeFromDescription();
        return app;
    }
}
