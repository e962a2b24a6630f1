using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Vitrine.ServiceDefaults;

/// <summary>
/// OpenTelemetry metrics (ASP.NET Core, HttpClient, runtime, Npgsql) scraped by Prometheus at /metrics;
/// traces exported over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set (the Aspire dashboard sets it).
/// Traces are sampled: a request that arrives with a sampled parent is traced, a new root with probability
/// <see cref="DefaultTraceSampleRatio"/>. The standard OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG variables override
/// it (e.g. <c>always_on</c> while a developer chases one request); the OpenTelemetry SDK reads them itself. Spans
/// leave through the OTLP exporter's batch processor (a bounded queue, exported off the request path).
/// </summary>
public static class Telemetry
{
    /// <summary>
    /// One root trace in ten: measured, always_on with every span exported cost the hot endpoints a large share of
    /// their throughput (bench/README.md), while a tenth still shows every route's shape within seconds.
    /// </summary>
    public const double DefaultTraceSampleRatio = 0.1;

    public const string SamplerVariable = "OTEL_TRACES_SAMPLER";

    public static WebApplicationBuilder AddVitrineTelemetry(this WebApplicationBuilder builder)
    {
        var otlpEndpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
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
}
