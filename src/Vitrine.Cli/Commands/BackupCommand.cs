using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Commands;

/// <summary>
/// `vitrine backup`: a pgBackRest backup of the running stack's primary now (the schedule makes them on its own:
/// deploy/pgbackrest/schedule.sh), with its progress, then every backup the repository keeps.
/// </summary>
public static class BackupCommand
{
    public static Command Create()
    {
        var type = new Option<string>("--type")
        {
            Description = "full, diff (changes since the last full) or incr (changes since the last backup); a diff or incr with no full before it becomes a full",
            DefaultValueFactory = _ => "incr",
        };
        type.AcceptOnlyFromAmong([.. Backups.Types]);
        var list = new Option<bool>("--list") { Description = "Only list the backups the repository keeps" };
        var command = new Command("backup", "Back up the running stack's database (pgBackRest: full, differential or incremental) and list the backups kept") { type, list };
        command.SetAction((parse, cancellationToken) => RunAsync(StackLayout.Discover(), parse.GetValue(type)!, parse.GetValue(list), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(StackLayout layout, string type, bool listOnly, CancellationToken cancellationToken)
    {
        if (AppHostProcess.RunningPid(layout) is null || StackModel.Load(layout) is not { } stack)
        {
            AnsiConsole.MarkupLine("[red]The stack is not running[/]: start it with ./vitrine up.");
            return 1;
        }

        if (!listOnly)
        {
            var stanza = await Backups.EnsureStanzaAsync(stack, cancellationToken);
            if (!stanza.Succeeded)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]pgbackrest stanza-create failed[/]:\n{stanza.Output.Trim()}");
                return 1;
            }

            var clock = Stopwatch.StartNew();
            var backup = await AnsiConsole.Status().StartAsync($"{Describe(type)} backup to {stack.BackupRepositoryDescription}…", async status =>
            {
                var deadline = DateTime.UtcNow.AddHours(1);
                while (true)
                {
                    var result = await Backups.RunAsync(stack, [$"--type={type}", "--log-level-console=detail", "backup"], line =>
                    {
                        if (Backups.Percent(line) is { } percent)
                        {
                            status.Status($"{Describe(type)} backup to {stack.BackupRepositoryDescription}: {percent} %");
                        }
                    }, cancellationToken);
                    // One backup at a time: while the schedule's runs, pgBackRest refuses another with its lock error.
                    if (result.ExitCode != Backups.LockHeldExitCode || DateTime.UtcNow > deadline)
                    {
                        return result;
                    }

                    status.Status("Another backup is running (the schedule's); waiting for it to end…");
                    await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                }
            });
            if (!backup.Succeeded)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]The backup failed[/] (pgbackrest exit {backup.ExitCode}):\n{Tail(backup.Output)}");
                return 1;
            }

            AnsiConsole.MarkupLineInterpolated($"Backup done in {clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s.");
        }

        var sets = await Backups.ListAsync(stack, cancellationToken);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("Backup", "Type", "Started (UTC)", "Took", "Database", "Stored");
        foreach (var set in sets)
        {
            table.AddRow(set.Label, set.Type, set.Started.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                (set.Stopped - set.Started).TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s", Size(set.DatabaseBytes), Size(set.RepositoryBytes));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"{sets.Count} backup(s) in {stack.BackupRepositoryDescription}; WAL is archived continuously, so `./vitrine restore --to <time>` reaches any moment since the oldest.");
        return 0;
    }

    private static string Describe(string type) => type switch
    {
        "full" => "A full",
        "diff" => "A differential",
        _ => "An incremental",
    };

    private static string Size(long bytes) => bytes >= 1L << 30
        ? (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB"
        : (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB";

    private static string Tail(string output) => string.Join('\n', output.Trim().Split('\n').TakeLast(15));
}
