using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Vitrine.Stack;

namespace Vitrine.AppHost;

/// <summary>
/// The latest state Aspire reports for every resource — pid, state, exit code, health — as the components
/// `vitrine status` lists and `vitrine up` waits on. Nothing here probes a server itself: Aspire's own health checks
/// (registered in Program.cs) decide what is healthy.
/// </summary>
public sealed class ResourceStates(StackModel stack, ResourceNotificationService notifications, IConfiguration configuration, IHostApplicationLifetime lifetime)
{
    /// <summary>Aspire's name for the dashboard it runs; `status` calls it "dashboard".</summary>
    private const string AspireDashboard = "aspire-dashboard";

    private readonly ConcurrentDictionary<string, CustomResourceSnapshot> latest = new(StringComparer.Ordinal);

    public static bool IsAspireHelper(string name) => name.EndsWith("-rebuilder", StringComparison.Ordinal);

    public void Start() => _ = WatchAsync(lifetime.ApplicationStopping);

    public bool IsRunning(string name) =>
        latest.TryGetValue(name, out var snapshot) && (snapshot.State?.Text == KnownResourceStates.Running || snapshot.State?.Text == KnownResourceStates.Starting);

    public StatusReport Report()
    {
        var now = DateTime.UtcNow;
        return new StatusReport([.. latest.Select(pair => Describe(pair.Key, pair.Value, now)).OrderBy(c => c.Name, StringComparer.Ordinal)]);
    }

    private async Task WatchAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                var name = update.Resource.Name == AspireDashboard ? StackComponents.Dashboard : update.Resource.Name;
                if (!IsAspireHelper(name))
                {
                    latest[name] = update.Snapshot;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private ComponentStatus Describe(string name, CustomResourceSnapshot snapshot, DateTime now)
    {
        var state = snapshot.State?.Text ?? KnownResourceStates.NotStarted;
        var oneShot = StackComponents.OneShot.Contains(name);
        var ended = state == KnownResourceStates.Exited || state == KnownResourceStates.Finished || state == KnownResourceStates.FailedToStart;
        var failed = ended && (!oneShot || snapshot.ExitCode is not 0 || state == KnownResourceStates.FailedToStart);
        var healthy = oneShot
            ? ended && !failed
            : state == KnownResourceStates.Running && snapshot.HealthStatus is HealthStatus.Healthy or null && snapshot.HealthReports.All(r => r.Status is HealthStatus.Healthy);
        var pid = snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value switch
        {
            int value => value,
            long value => (int)value,
            string text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) => value,
            _ => (int?)null,
        };
        var (url, port) = stack.Endpoint(name);
        if (name == StackComponents.Dashboard && configuration["AppHost:BrowserToken"] is { Length: > 0 } token)
        {
            url += "/login?t=" + token; // the dashboard's one-time sign-in link
        }

        long? uptime = state == KnownResourceStates.Running && snapshot.StartTimeStamp is { } started ? (long)(now - started.ToUniversalTime()).TotalSeconds : null;
        return new ComponentStatus(name, StackComponents.Kind(name), state == KnownResourceStates.Running ? pid : null, url, healthy, port, uptime, state, snapshot.ExitCode, failed);
    }
}
