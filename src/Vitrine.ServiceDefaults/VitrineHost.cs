using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Vitrine.ServiceDefaults;

public static class VitrineHost
{
    /// <summary>Where mounted secrets (Docker and Kubernetes secrets) appear, one file per setting.</summary>
    public const string SecretsDirectory = "/run/secrets";

    /// <summary>
    /// Builds the app and validates its options at once, before anything (a dashboard, a job storage) can touch them:
    /// invalid configuration is reported as one clear line on stderr, and null is returned so the process exits 1.
    /// </summary>
    public static WebApplication? BuildValidated(this WebApplicationBuilder builder)
    {
        var app = builder.Build();
        try
        {
            app.Services.GetService<IStartupValidator>()?.Validate();
            return app;
        }
        catch (Exception exception) when (ConfigurationFailures(exception) is { Count: > 0 } failures)
        {
            Console.Error.WriteLine($"{app.Environment.ApplicationName}: invalid configuration: {string.Join(" ", failures)}");
            return null;
        }
    }

    private static List<string> ConfigurationFailures(Exception exception) => exception switch
    {
        OptionsValidationException options => options.Failures.ToList(),
        AggregateException aggregate => aggregate.InnerExceptions.SelectMany(ConfigurationFailures).ToList(),
        _ => [],
    };
}
