using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Spectre.Console;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Commands;

/// <summary>`vitrine status`: a table of components and health, or `--json` for scripts (CONTRACT §1).</summary>
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
        var report = await StackStatus.CollectAsync(layout, Topology.Read(layout), cancellationToken);
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(report, CliJson.Default.StatusReport));
            return 0;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumns("Component", "Kind", "PID", "Port", "Health", "Uptime", "URL");
        foreach (var component in report.Components)
        {
            table.AddRow(
                Markup.Escape(component.Name),
                component.Kind,
                component.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-",
                component.Port.ToString(CultureInfo.InvariantCulture),
                component.Healthy ? "[green]healthy[/]" : "[red]down[/]",
                component.UptimeSeconds is { } s ? TimeSpan.FromSeconds(s).ToString(@"d\.hh\:mm\:ss", CultureInfo.InvariantCulture) : "-",
                Markup.Escape(WithoutPassword(component.Url)));
        }

        AnsiConsole.Write(table);
        return 0;
    }

    /// <summary>The table is for eyes (and screen shares): passwords stay in --json and .vitrine/secrets only.</summary>
    private static string WithoutPassword(string url) => Regex.Replace(url, "://([^:@/]*):[^@/]+@", "://$1:****@");
}
