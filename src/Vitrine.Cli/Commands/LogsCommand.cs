using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Commands;

/// <summary>
/// `vitrine logs &lt;component&gt; [-f]`: a component's log from .vitrine/logs. The AppHost copies every component's
/// console output to &lt;name&gt;.log; nginx writes its own error and access logs beside them.
/// </summary>
public static class LogsCommand
{
    public static Command Create()
    {
        var component = new Argument<string>("component") { Description = "postgres, postgres-replica, pgbouncer, redis-cache, redis-durable, api-N, web-N, nginx, prometheus, migrate, apphost, …" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines until Ctrl+C" };
        var lines = new Option<int>("--lines", "-n") { Description = "How many of the last lines to print", DefaultValueFactory = _ => 100 };
        var command = new Command("logs", "Print a component's log (the last lines, or follow it with -f)") { component, follow, lines };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(StackLayout.Discover(), parse.GetValue(component)!, parse.GetValue(follow), parse.GetValue(lines), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(StackLayout layout, string component, bool follow, int lines, CancellationToken cancellationToken)
    {
        var files = Files(layout, component).Where(File.Exists).ToList();
        if (files.Count == 0)
        {
            var known = Directory.Exists(layout.LogsDirectory)
                ? string.Join(", ", Directory.EnumerateFiles(layout.LogsDirectory, "*.log").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal))
                : "none yet (start the stack with ./vitrine up)";
            AnsiConsole.MarkupLineInterpolated($"[red]No log for {component}.[/] Logs: {known}");
            return 2;
        }

        var info = new ProcessStartInfo("tail") { UseShellExecute = false };
        foreach (var argument in (string[])[follow ? "-F" : "-q", "-n", lines.ToString(System.Globalization.CultureInfo.InvariantCulture), .. files])
        {
            info.ArgumentList.Add(argument);
        }

        using var tail = Process.Start(info)!;
        try
        {
            await tail.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            tail.Kill();
            return 0;
        }

        return tail.ExitCode;
    }

    private static IEnumerable<string> Files(StackLayout layout, string component)
    {
        var name = Path.GetFileName(component); // a name, never a path
        if (name is "nginx" or "lb")
        {
            yield return Path.Combine(layout.LogsDirectory, "nginx-error.log");
            yield return Path.Combine(layout.LogsDirectory, "nginx-access.log");
            yield return Path.Combine(layout.LogsDirectory, "nginx.log");
            yield break;
        }

        yield return Path.Combine(layout.LogsDirectory, name + ".log");
    }
}
