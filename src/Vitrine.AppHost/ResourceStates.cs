using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Vitrine.Stack;

namespace Vitrine.AppHost;

/// <summary>
/// The latest state Aspire reports for every resource — pid, state, exit code, health — as the components
/// `vitrine status` lists and `vitrine up` waits on. Health comes from the AppHost's own registered health checks
/// (Program.cs and Aspire's WithHttpHealthCheck): a report counts only when it was made after the process started.
/// Aspire keeps a killed process's last report ("Healthy") and does not always resume its checks after a restart,
/// so for a running process whose reports are older than its start, this runs the same checks itself.
/// </summary>
public sealed class ResourceStates(
    StackModel stack,
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    HealthCheckService healthChecks,
    IConfiguration configuration,
    IHostApplicationLifetime lifetime)
{
    /// <summary>Aspire's name for the dashboard it runs; `status` calls it "dashboard".</summary>
    private const string AspireDashboard = "aspire-dashboard";

    private readonly ConcurrentDictionary<string, CustomResourceSnapshot> latest = new(StringComparer.Ordinal);

    /// <summary>Our own check of a process Aspire's reports are stale for: its start time, and whether it passed.</summary>
    private readonly ConcurrentDictionary<string, (DateTime Started, bool Healthy)> ownChecks = new(StringComparer.Ordinal);

    /// <summary>Dashboard processes already lowered to background priority (<see cref="Niceness"/>); only WatchAsync touches it.</summary>
    private readonly HashSet<int> reniced = [];

    public static bool IsAspireHelper(string name) => name.EndsWith("-rebuilder", StringComparison.Ordinal);

    public void Start()
    {
        _ = WatchAsync(lifetime.ApplicationStopping);
        _ = CheckStaleAsync(lifetime.ApplicationStopping);
    }

    public bool IsHealthy(string name) => latest.TryGetValue(name, out var snapshot) && Describe(name, snapshot, DateTime.UtcNow).Healthy;

    public bool IsRunning(string name) =>
        latest.TryGetValue(name, out var snapshot) && (snapshot.State?.Text == KnownResourceStates.Running || snapshot.State?.Text == KnownResourceStates.Starting);

    /// <summary>A process of this component started at or after <paramref name="since"/> and runs.</summary>
    public bool RunsSince(string name, DateTime since) =>
        latest.TryGetValue(name, out var snapshot) && snapshot.State?.Text == KnownResourceStates.Running && snapshot.StartTimeStamp?.ToUniversalTime() >= since;

    /// <summary>How a process started at or after <paramref name="since"/> ended ("exit code 1"), or null while none has ended.</summary>
    public string? EndedSince(string name, DateTime since) =>
        latest.TryGetValue(name, out var snapshot) && snapshot.StartTimeStamp?.ToUniversalTime() >= since
            && snapshot.State?.Text is { } state
            && (state == KnownResourceStates.Exited || state == KnownResourceStates.Finished || state == KnownResourceStates.FailedToStart)
            ? snapshot.ExitCode is { } code ? $"exit code {code.ToString(CultureInfo.InvariantCulture)}" : state
            : null;

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

                if (name == StackComponents.Dashboard && Pid(update.Snapshot) is { } dashboard && reniced.Add(dashboard))
                {
                    Niceness.Lower(dashboard);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Every two seconds, runs the checks of each running process that Aspire has not checked since it started.</summary>
    private async Task CheckStaleAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var resource in model.Resources)
                {
                    if (latest.TryGetValue(resource.Name, out var snapshot) && Started(snapshot) is { } started
                        && snapshot.HealthReports.Length > 0 && !Fresh(snapshot, started) && started < DateTime.UtcNow.AddSeconds(-5))
                    {
                        var keys = resource.Annotations.OfType<HealthCheckAnnotation>().Select(a => a.Key).ToHashSet(StringComparer.Ordinal);
                        var report = await healthChecks.CheckHealthAsync(registration => keys.Contains(registration.Name), stoppingToken);
                        ownChecks[resource.Name] = (started, report.Status == HealthStatus.Healthy);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static int? Pid(CustomResourceSnapshot snapshot) => snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value switch
    {
        int value => value,
        long value => (int)value,
        string text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) => value,
        _ => null,
    };

    /// <summary>When the running process started, or null when none runs.</summary>
    private static DateTime? Started(CustomResourceSnapshot snapshot) =>
        snapshot.State?.Text == KnownResourceStates.Running ? snapshot.StartTimeStamp?.ToUniversalTime() ?? DateTime.MinValue : null;

    /// <summary>Aspire has checked this process since it started.</summary>
    private static bool Fresh(CustomResourceSnapshot snapshot, DateTime started) =>
        snapshot.HealthReports.All(r => r.LastRunAt?.ToUniversalTime() >= started);

    private ComponentStatus Describe(string name, CustomResourceSnapshot snapshot, DateTime now)
    {
        var state = snapshot.State?.Text ?? KnownResourceStates.NotStarted;
        var oneShot = StackComponents.OneShot.Contains(name);
        var ended = state == KnownResourceStates.Exited || state == KnownResourceStates.Finished || state == KnownResourceStates.FailedToStart;
        var failed = ended && (!oneShot || snapshot.ExitCode is not 0 || state == KnownResourceStates.FailedToStart);
        var pid = Pid(snapshot);

        // A running process counts as healthy once its checks pass and Aspire has reported its pid (the state can
        // arrive a snapshot before the pid, and scripts read the pid from `status --json` as soon as `up` returns).
        var healthy = oneShot
            ? ended && !failed
            : pid is not null && Started(snapshot) is { } started && (Fresh(snapshot, started)
                ? snapshot.HealthReports.All(r => r.Status is HealthStatus.Healthy)
                : ownChecks.TryGetValue(name, out var own) && own.Started == started && own.Healthy);
        var (url, port) = stack.Endpoint(name);
        if (name == StackComponents.Dashboard && configuration["AppHost:BrowserToken"] is { Length: > 0 } token)
        {
            url += "/login?t=" + token; // the dashboard's one-time sign-in link
        }

        long? uptime = Started(snapshot) is { } since && since > DateTime.MinValue ? (long)(now - since).TotalSeconds : null;
        var checks = snapshot.HealthReports.ToDictionary(r => r.Name, r => r.Status?.ToString(), StringComparer.Ordinal);
        return new ComponentStatus(name, StackComponents.Kind(name), state == KnownResourceStates.Running ? pid : null, url, healthy, port, uptime, state, snapshot.ExitCode, failed,
            checks.Count > 0 ? checks : null);
    }
}
