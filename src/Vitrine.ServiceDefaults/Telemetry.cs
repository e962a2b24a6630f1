using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Vitrine.ServiceDefaults;

/// <summary>
/// OpenTelemetry metrics (ASP.NET Core, HttpClient, runtime, Npgsql, Vitrine's own) scraped by Prometheus at /metrics;
/// traces and metrics exported over OTLP too when OTEL_EXPORTER_OTLP_ENDPOINT is set (the Aspire dashboard sets it),
/// logs only when OTEL_LOGS_EXPORTER=otlp as well (<see cref="ExportsLogsOverOtlp"/>, written by StructuredLogging).
/// Traces are sampled: a request that arrives with a sampled parent is traced, a new root with probability
/// <see cref="DefaultTraceSampleRatio"/>. The standard OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG variables override
/// it (e.g. <c>always_on</c> while a developer chases one request); the OpenTelemetry SDK reads them itself. Spans
/// leave through the OTLP exporter's batch processor (a bounded queue, exported off the request path).
/// </summary>
public static class Telemetry
{
    /// <summary>
    /// One root trace in a hundred: at the seed's 1,000 req/s per replica that is still ten traces a second each, every
    /// route's shape within seconds. Measured (bench/README.md): always_on with every span exported cost the hot
    /// endpoints a large share of their throughput, and at one in ten a cached read at 16,000 req/s still sent the
    /// collector (the local dashboard) 1,600 traces a second, a third of a core.
    /// </summary>
    public const double DefaultTraceSampleRatio = 0.01;

    public const string SamplerVariable = "OTEL_TRACES_SAMPLER";

    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string LogsExporterVariable = "OTEL_LOGS_EXPORTER";

    /// <summary>
    /// Logs leave over OTLP only when asked for (OTEL_LOGS_EXPORTER=otlp with an endpoint): stdout already has every
    /// line, and a second copy of each request's line to the local dashboard would cost the hot path for nothing.
    /// Traces and metrics follow the endpoint alone.
    /// </summary>
    public static bool ExportsLogsOverOtlp(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration[EndpointVariable])
        && string.Equals(configuration[LogsExporterVariable]?.Trim(), "otlp", StringComparison.OrdinalIgnoreCase);

    public static WebApplicationBuilder AddVitrineTelemetry(this WebApplicationBuilder builder)
    {
        var otlpEndpoint = builder.Configuration[EndpointVariable];
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Environment.ApplicationName))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation()
                    .AddMeter("Vitrine.*")
                    .AddPrometheusExporter();
                ReportOnlyOwnMeters(metrics);
                if (!string.IsNullOrWhiteSpace(otlpEndpoint))
                {
                    metrics.AddOtlpExporter();
                }
            });

        if (!string.IsNullOrWhiteSpace(otlpEndpoint))
        {
            var samplerChosen = !string.IsNullOrWhiteSpace(builder.Configuration[SamplerVariable]);
            telemetry.WithTracing(tracing =>
            {
                if (!samplerChosen)
                {
                    tracing.SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(DefaultTraceSampleRatio)));
                }

                tracing.AddAspNetCoreInstrumentation(options => options.Filter = http =>
                    !http.Request.Path.StartsWithSegments("/health") && !http.Request.Path.StartsWithSegments("/metrics"))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql()
                    .AddOtlpExporter();
            });
        }

        return builder;
    }

    /// <summary>
    /// The SDK listens to meters by name, whoever created them: in a process that hosts several apps (the integration
    /// tests start many API hosts) every host's /metrics would add up every host's counters and call every host's
    /// observable callbacks. Meters made by another host's <see cref="IMeterFactory"/> are dropped here; meters of no
    /// factory (the runtime's, Npgsql's) are the process's and stay. With one host per process this changes nothing.
    /// </summary>
    private static void ReportOnlyOwnMeters(MeterProviderBuilder metrics)
    {
        if (metrics is IDeferredMeterProviderBuilder deferred)
        {
            deferred.Configure((services, provider) =>
            {
                var own = services.GetRequiredService<IMeterFactory>();
                provider.AddView(instrument =>
                    instrument.Meter.Scope is IMeterFactory factory && !ReferenceEquals(factory, own) ? MetricStreamConfiguration.Drop : null);
            });
        }
    }
}
