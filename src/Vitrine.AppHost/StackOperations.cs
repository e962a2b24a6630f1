using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Vitrine.AppHost;

/// <summary>
/// The operator's side of the AppHost: every resource's console output is appended to .vitrine/logs/&lt;name&gt;.log
/// (what `vitrine logs` reads), and `vitrine restart &lt;name&gt;` requests dropped as files in the control directory
/// are carried out with Aspire's own restart command, the one the dashboard's button runs.
/// </summary>
public sealed partial class StackOperations(
    StackSettings stack,
    DistributedApplicationModel model,
    ResourceLoggerService resourceLogs,
    ResourceCommandService commands,
    IHostApplicationLifetime lifetime,
    ILogger<StackOperations> logger)
{
    /// <summary>
    /// Started from BeforeStartEvent rather than as a hosted service: hosted services start only after the
    /// orchestrator's start has returned, and logs are wanted from the first line of the first process.
    /// </summary>
    public void Start() => _ = RunAsync(lifetime.ApplicationStopping);

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        Directory.CreateDirectory(stack.LogsDirectory);
        Directory.CreateDirectory(stack.ControlDirectory);
        var writers = model.Resources
            .Where(resource => !resource.Name.EndsWith("-rebuilder", StringComparison.Ordinal)) // Aspire's own helpers
            .Select(resource => CopyLogsAsync(resource, stoppingToken))
            .ToList();
        writers.Add(ServeControlRequestsAsync(stoppingToken));
        await Task.WhenAll(writers);
    }

    private async Task CopyLogsAsync(IResource resource, CancellationToken stoppingToken)
    {
        var path = Path.Combine(stack.LogsDirectory, resource.Name + ".log");
        try
        {
            await using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            await using var writer = new StreamWriter(stream) { AutoFlush = true };
            await foreach (var batch in resourceLogs.WatchAsync(resource).WithCancellation(stoppingToken))
            {
                foreach (var line in batch)
                {
                    await writer.WriteLineAsync(line.Content);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ServeControlRequestsAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var request in Directory.EnumerateFiles(stack.ControlDirectory, "*.request"))
                {
                    var words = (await File.ReadAllTextAsync(request, stoppingToken)).Split(' ', 2, StringSplitOptions.TrimEntries);
                    File.Delete(request);
                    var answer = words switch
                    {
                        ["restart", var name] => await RestartAsync(name, stoppingToken),
                        ["stop-all"] => await StopAllAsync(stoppingToken),
                        _ => "error: unknown request",
                    };
                    await File.WriteAllTextAsync(Path.ChangeExtension(request, ".response"), answer, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<string> RestartAsync(string name, CancellationToken stoppingToken)
    {
        var resource = model.Resources.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal));
        if (resource is null)
        {
            return $"error: no component named {name}";
        }

        LogRestart(logger, name);
        var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.RestartCommand, stoppingToken);
        if (!result.Success)
        {
            // A process that has exited (killed, crashed) cannot be restarted, only started.
            result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, stoppingToken);
        }

        return result.Success ? "ok" : $"error: {result.Message}";
    }

    /// <summary>
    /// `vitrine down`: stops the stack from the front to the back, one tier at a time, so nothing is cut off from
    /// what it still needs — nginx first (no new requests), then the Web and API replicas (draining theirs), the
    /// monitoring, PgBouncer, the replica, the primary, and the Redis servers last.
    /// </summary>
    private async Task<string> StopAllAsync(CancellationToken stoppingToken)
    {
        string[][] tiers =
        [
            ["nginx"], ["web-*"], ["api-*"],
            ["prometheus", "nginx-exporter", "redis-exporter", "postgres-exporter", "postgres-replica-exporter"],
            ["pgbouncer"], ["postgres-replica"], ["postgres"], ["redis-cache", "redis-durable"],
        ];
        foreach (var tier in tiers)
        {
            var resources = model.Resources.Where(r => tier.Any(name => name.EndsWith('*') ? r.Name.StartsWith(name[..^1], StringComparison.Ordinal) && !r.Name.EndsWith("-rebuilder", StringComparison.Ordinal) : r.Name == name));
            LogStopping(logger, string.Join(", ", tier));
            await Task.WhenAll(resources.Select(resource => commands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, stoppingToken)));
        }

        return "ok";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping {Components}")]
    private static partial void LogStopping(ILogger logger, string components);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restarting {Component} on request")]
    private static partial void LogRestart(ILogger logger, string component);
}
