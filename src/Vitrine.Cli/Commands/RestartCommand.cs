using System.CommandLine;
using Spectre.Console;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Commands;

/// <summary>
/// `vitrine restart &lt;component&gt;`: asks the running AppHost to restart one component (Aspire's restart command,
/// or start when the process has died), then waits until the component is healthy again.
/// </summary>
public static class RestartCommand
{
    public static Command Create()
    {
        var component = new Argument<string>("component") { Description = "A component name as `status` shows it: api-2, web-1, nginx, pgbouncer, postgres-replica, redis-cache, prometheus, …" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the component to be healthy again", DefaultValueFactory = _ => 120 };
        var command = new Command("restart", "Restart one component of the running stack and wait until it is healthy") { component, timeout };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(StackLayout.Discover(), parse.GetValue(component)!, TimeSpan.FromSeconds(parse.GetValue(timeout)), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(StackLayout layout, string component, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (AppHostProcess.RunningPid(layout) is null)
        {
            AnsiConsole.MarkupLine("[red]The stack is not running[/]: start it with ./vitrine up.");
            return 1;
        }

        var name = component == "lb" ? "nginx" : component;
        var deadline = DateTime.UtcNow + timeout;
        return await AnsiConsole.Status().StartAsync($"Restarting {name}…", async status =>
        {
            var answer = await AppHostProcess.RequestAsync(layout, $"restart {name}", timeout, cancellationToken);
            if (answer != "ok")
            {
                AnsiConsole.MarkupLineInterpolated($"[red]Restart of {name} failed[/]: {answer ?? "the AppHost did not answer in time"}");
                return 1;
            }

            status.Status($"Waiting for {name} to be healthy…");
            while (DateTime.UtcNow < deadline)
            {
                var report = await StackStatus.CollectAsync(layout, Topology.Read(layout), cancellationToken);
                var found = report.Components.FirstOrDefault(c => c.Name == name);
                if (found is null || found.Healthy)
                {
                    AnsiConsole.MarkupLineInterpolated($"{name} restarted{(found is null ? "" : " and healthy")}.");
                    return 0;
                }

                await Task.Delay(500, cancellationToken);
            }

            AnsiConsole.MarkupLineInterpolated($"[red]{name} did not become healthy within {timeout.TotalSeconds:0} s.[/]");
            return 1;
        });
    }
}
