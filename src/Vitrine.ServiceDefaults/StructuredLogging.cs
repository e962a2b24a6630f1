using System.Diagnostics;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Serilog;
using Serilog.Configuration;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace Vitrine.ServiceDefaults;

/// <summary>Serilog JSON to stdout, one line per request.</summary>
public static class StructuredLogging
{
    public static WebApplicationBuilder AddStructuredLogging(this WebApplicationBuilder builder)
    {
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", LogEventLevel.Warning)
            // FusionCache writes two lines per cache call below Warning ("GetOrSetAsync call", "return"): measured,
            // two thirds of all log lines and a fifth of a cached read's CPU. Its warnings and errors still come through.
            .MinimumLevel.Override("ZiggyCreatures.Caching.Fusion", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("Service", builder.Environment.ApplicationName)
            // Formatting and writing happen on a background worker, off the request path, a batch at a time (at most
            // 50 ms late). Lines wait in a bounded queue; under overload the newest are dropped rather than requests
            // slowed; Dispose flushes at shutdown.
            .WriteTo.Sink(new BatchedConsoleSink(new CompactJsonFormatter()), new BatchingOptions
            {
                BatchSizeLimit = 2_000,
                BufferingTimeLimit = TimeSpan.FromMilliseconds(50),
                EagerlyEmitFirstEvent = true,
                QueueLimit = 50_000,
            })
            .WriteToOtlpWhenAsked(builder));
        return builder;
    }

    /// <summary>
    /// Logs over OTLP as well, when <see cref="Telemetry.ExportsLogsOverOtlp"/>: the Serilog sink batches off the request
    /// path and reads the standard OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _HEADERS, OTEL_SERVICE_NAME and
    /// OTEL_RESOURCE_ATTRIBUTES from configuration (environment variables, or files in /run/secrets).
    /// </summary>
    private static LoggerConfiguration WriteToOtlpWhenAsked(this LoggerConfiguration logger, WebApplicationBuilder builder)
    {
        if (!Telemetry.ExportsLogsOverOtlp(builder.Configuration))
        {
            return logger;
        }

        return logger.WriteTo.OpenTelemetry(
            options => options.ResourceAttributes["service.name"] = builder.Environment.ApplicationName,
            key => builder.Configuration[key]);
    }

    /// <summary>
    /// One line per request: method, route template, status, elapsed ms, trace id and the user id when known.
    /// Never bodies, query strings, passwords or tokens.
    /// </summary>
    public static WebApplication UseRequestLogging(this WebApplication app)
    {
        app.UseSerilogRequestLogging(options =>
        {
            options.MessageTemplate = "HTTP {RequestMethod} {RouteTemplate} responded {StatusCode} in {Elapsed:0.0} ms";
            options.EnrichDiagnosticContext = (diagnostics, http) =>
            {
                diagnostics.Set("RouteTemplate", (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unmatched)");
                diagnostics.Set("TraceId", Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier);
                var userId = http.User.FindFirstValue("sub") ?? http.User.FindFirstValue(ClaimTypes.NameIdentifier);
                if (userId is not null)
                {
                    diagnostics.Set("UserId", userId);
                }
            };
            // Health probes and scrapes are frequent and uninteresting unless they fail.
            options.GetLevel = (http, _, exception) =>
                exception is not null || http.Response.StatusCode >= 500 ? LogEventLevel.Error
                : http.Request.Path.StartsWithSegments("/health") || http.Request.Path.StartsWithSegments("/metrics") ? LogEventLevel.Verbose
                : LogEventLevel.Information;
        });
        return app;
    }
}
