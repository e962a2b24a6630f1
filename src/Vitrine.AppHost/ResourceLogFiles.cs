using Microsoft.Extensions.Hosting;
using Vitrine.Stack;

namespace Vitrine.AppHost;

/// <summary>
/// Appends every resource's console output to .vitrine/logs/&lt;name&gt;.log (the API and Web replicas write theirs
/// themselves): what `vitrine logs` reads, and what `up` shows of a component that failed to start.
/// </summary>
public sealed class ResourceLogFiles(StackModel stack, DistributedApplicationModel model, ResourceLoggerService resourceLogs, IHostApplicationLifetime lifetime)
{
    /// <summary>
    /// Started from BeforeStartEvent rather than as a hosted service: hosted services start only after the
    /// orchestrator's start has returned, and logs are wanted from the first line of the first process.
    /// </summary>
    public void Start()
    {
        Directory.CreateDirectory(stack.Layout.LogsDirectory);
        // API and Web replicas append their own output to their files (Program.cs says why).
        foreach (var resource in model.Resources.Where(resource => !ResourceStates.IsAspireHelper(resource.Name) && StackComponents.Kind(resource.Name) is not ("api" or "web")))
        {
            _ = CopyAsync(resource, lifetime.ApplicationStopping);
        }
    }

    private async Task CopyAsync(IResource resource, CancellationToken stoppingToken)
    {
        try
        {
            await using var stream = new FileStream(stack.Layout.Log(resource.Name), FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
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
}
