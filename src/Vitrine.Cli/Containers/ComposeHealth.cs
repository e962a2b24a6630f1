using Spectre.Console;

namespace Vitrine.Cli.Containers;

/// <summary>One container of a Compose project as `docker ps` reports it.</summary>
public sealed record ComposeContainer(string Service, string Name, string State, string Status, string Ports)
{
    /// <summary>healthy, unhealthy, starting, or "-" for a container without a health check.</summary>
    public string Health => Status.Contains("(healthy)", StringComparison.Ordinal) ? "healthy"
        : Status.Contains("(unhealthy)", StringComparison.Ordinal) ? "unhealthy"
        : Status.Contains("health: starting", StringComparison.Ordinal) ? "starting"
        : "-";

    /// <summary>Done: running and healthy (or without a health check), or a one-shot job that exited 0.</summary>
    public bool IsReady => State == "running" ? Health is "healthy" or "-" : Status.StartsWith("Exited (0)", StringComparison.Ordinal);

    public bool HasFailed => State is "exited" or "dead" && !Status.StartsWith("Exited (0)", StringComparison.Ordinal);
}

/// <summary>Reads a Compose project's containers from the engine (Compose labels them) and waits for their health.</summary>
public sealed class ComposeHealth(DockerEngine engine, string project)
{
    public async Task<IReadOnlyList<ComposeContainer>> ContainersAsync(CancellationToken cancellationToken)
    {
        var listed = await engine.DockerAsync(["ps", "-a", "--filter", $"label=com.docker.compose.project={project}", "--format",
            "{{.Label \"com.docker.compose.service\"}}\t{{.Names}}\t{{.State}}\t{{.Status}}\t{{.Ports}}"], cancellationToken: cancellationToken);
        if (!listed.Succeeded)
        {
            return [];
        }

        return listed.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('\t'))
            .Where(fields => fields.Length >= 5)
            .Select(fields => new ComposeContainer(fields[0], fields[1], fields[2], fields[3], fields[4]))
            .OrderBy(container => container.Service, StringComparer.Ordinal).ThenBy(container => container.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Waits until every container is ready; false (having said which are not) on a failure or the timeout.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        IReadOnlyList<ComposeContainer> containers = [];
        var ready = false;
        await AnsiConsole.Status().StartAsync("Waiting for every container to be healthy…", async status =>
        {
            while (DateTime.UtcNow < deadline)
            {
                containers = await ContainersAsync(cancellationToken);
                if (containers.Count > 0 && containers.All(container => container.IsReady))
                {
                    ready = true;
                    return;
                }

                if (containers.Any(container => container.HasFailed))
                {
                    return;
                }

                var waiting = containers.Where(container => !container.IsReady).Select(container => container.Name);
                status.Status($"Waiting for {string.Join(", ", waiting)}…");
                await Task.Delay(2000, cancellationToken);
            }
        });
        if (!ready)
        {
            foreach (var container in containers.Where(container => !container.IsReady))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]not ready:[/] {container.Name}: {container.Status} (docker logs {container.Name})");
            }
        }

        return ready;
    }
}
