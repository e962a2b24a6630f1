using System.CommandLine;
using Spectre.Console;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Commands;

/// <summary>
/// `vitrine restart &lt;component&gt;`: the AppHost restarts one component (Aspire's restart command, or start when the
/// process has died) and answers once Aspire reports it healthy again.
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

        var name = component == "lb" ? StackComponents.Nginx : component;
        using var apphost = new AppHostClient(layout);
        var answer = await AnsiConsole.Status().StartAsync($"Restarting {name} and waiting until it is healthy…", _ => apphost.RestartAsync(name, timeout, cancellationToken));
        if (!answer.Ok)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]Restart of {name} failed[/]: {answer.Message}");
            return 1;
        }

        AnsiConsole.MarkupLineInterpolated($"{answer.Message}.");
        return 0;
    }
}
