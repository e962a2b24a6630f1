using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Spectre.Console;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Commands;

/// <summary>`vitrine status`: the AppHost's view of every component as a table, or `--json` for scripts (CONTRACT §1).</summary>
public static class StatusCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print {\"components\":[{name,kind,pid,url,healthy}…]} for scripts" };
        var command = new Command("status", "Show every component of the stack, its pid, URL and health") { json };
        command.SetAction((parse, cancellationToken) => PrintAsync(StackLayout.Discover(), parse.GetValue(json), cancellationToken));
        return command;
    }

    public static async Task<int> PrintAsync(StackLayout layout, bool json, CancellationToken cancellationToken)
    {
        StatusReport? report = null;
        if (AppHostProcess.RunningPid(layout) is not null)
        {
            using var apphost = new AppHostClient(layout);
            report = await apphost.StatusAsync(cancellationToken);
        }

        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report?.Listed() ?? new StatusReport([]), StackJson.Default.StatusReport));
            return report is null ? 1 : 0;
        }

        if (report is null)
        {
            AnsiConsole.MarkupLine("The stack is not running: [bold]./vitrine up[/] starts it.");
            return 1;
        }

        PrintTable(report.Listed());
        return 0;
    }

    public static void PrintTable(StatusReport report)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("Component", "Kind", "PID", "Port", "State", "Health", "Uptime", "URL");
        foreach (var component in report.Components)
        {
            table.AddRow(
                Markup.Escape(component.Name),
                component.Kind ?? "-",
                component.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-",
                component.Port.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(component.State),
                component.Healthy ? "[green]healthy[/]" : "[red]down[/]",
                component.UptimeSeconds is { } s ? TimeSpan.FromSeconds(s).ToString(@"d\.hh\:mm\:ss", CultureInfo.InvariantCulture) : "-",
                Markup.Escape(WithoutPassword(component.Url)));
        }

        AnsiConsole.Write(table);
    }

    /// <summary>The table is for eyes (and screen shares): passwords stay in --json and .vitrine/secrets only.</summary>
    private static string WithoutPassword(string url) => Regex.Replace(url, "://([^:@/]*):[^@/]+@", "://$1:****@");
}
