using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Vitrine.ServiceDefaults;

public static class VitrineHost
{
    /// <summary>Where mounted secrets (Docker and Kubernetes secrets) appear, one file per setting.</summary>
    public const string SecretsDirectory = "/run/secrets";

    /// <summary>
    /// Runs the app; invalid configuration (validated at start) stops it with one clear line and exit code 1
    /// instead of a stack trace.
    /// </summary>
    public static int Run(WebApplication app)
    {
        var name = app.Environment.ApplicationName;
        try
        {
            // Validate before the host starts, so the failure is ours to report rather than a logged stack trace.
            app.Services.GetService<IStartupValidator>()?.Validate();
        }
        catch (Exception exception) when (ConfigurationFailures(exception) is { Count: > 0 } failures)
        {
            Console.Error.WriteLine($"{name}: invalid configuration: {string.Join(" ", failures)}");
            return 1;
        }

        app.Run();
        return 0;
    }

    private static List<string> ConfigurationFailures(Exception exception) => exception switch
    {
        OptionsValidationException options => options.Failures.ToList(),
        AggregateException aggregate => aggregate.InnerExceptions.SelectMany(ConfigurationFailures).ToList(),
        _ => [],
    };
}
