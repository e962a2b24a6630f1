using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Vitrine.ServiceDefaults;

/// <summary>
/// The seed's error tracking: Sentry, off unless a DSN is configured (<c>Sentry:Dsn</c>, env <c>Sentry__Dsn</c>, or the
/// file /run/secrets/Sentry__Dsn). When on, every exception the global handler turns into a 500 problem+json is sent
/// (Sentry's middleware reads it from IExceptionHandlerFeature), with no personal data, the host's environment and the
/// build's release; tracing stays OpenTelemetry's job (traces sample rate 0, no Sentry handler on HttpClients).
/// Other <c>Sentry:*</c> settings bind as the SDK documents them.
/// </summary>
public static class ErrorTracking
{
    public const string DsnKey = "Sentry:Dsn";

    public static WebApplicationBuilder AddErrorTracking(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration[DsnKey]))
        {
            return builder;
        }

        var release = $"{builder.Environment.ApplicationName}@{Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown"}";
        builder.UseSentry(options =>
        {
            // Runs after the "Sentry" section is bound: these hold whatever the configuration says.
            options.SendDefaultPii = false;
            options.TracesSampleRate = 0;
            options.DisableSentryHttpMessageHandler = true;
            options.MaxRequestBodySize = Sentry.Extensibility.RequestSize.None;
            options.Environment ??= builder.Environment.EnvironmentName;
            options.Release ??= release;
            // A client's malformed request (4xx) or a client that hung up (499) is no error of ours.
            options.AddExceptionFilterForType<BadHttpRequestException>();
            options.AddExceptionFilterForType<OperationCanceledException>();
        });
        return builder;
    }
}
