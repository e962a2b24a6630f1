using System.CommandLine;
using Spectre.Console;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Commands;

/// <summary>`vitrine down`: stop the stack gracefully (the AppHost stops its children in reverse order); --purge wipes .vitrine/.</summary>
public static class DownCommand
{
    public static Command Create()
    {
        var purge = new Option<bool>("--purge") { Description = "Also delete .vitrine/: data, logs and generated secrets" };
        var command = new Command("down", "Stop the stack; its data stays for the next `up` unless --purge") { purge };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(purge), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(bool purge, CancellationToken cancellationToken)
    {
        var layout = StackLayout.Discover();
        var stopped = await StopAsync(layout, inOrder: true, cancellationToken);
        if (purge && Directory.Exists(layout.StateDirectory))
        {
            // What servers that drop root keep outside the checkout (PostgreSQL's data, PgBouncer's files, nginx's
            // caches) lives together in one directory under /var/lib/vitrine: it goes with the state directory.
            var services = layout.ServiceDirectory;
            if (!services.StartsWith(layout.StateDirectory, StringComparison.Ordinal) && Directory.Exists(services))
            {
                Directory.Delete(services, recursive: true);
            }

            Directory.Delete(layout.StateDirectory, recursive: true);
            AnsiConsole.MarkupLineInterpolated($"Deleted {layout.StateDirectory}.");
        }

        return stopped ? 0 : 1;
    }

    /// <param name="inOrder">Stop the components front to back first; otherwise (a start that failed) stop the AppHost at once.</param>
    public static async Task<bool> StopAsync(StackLayout layout, bool inOrder, CancellationToken cancellationToken)
    {
        return await AnsiConsole.Status().StartAsync("Stopping the stack…", async status =>
        {
            if (AppHostProcess.RunningPid(layout) is { } pid)
            {
                // Front to back (nginx, Web, API, monitoring, PgBouncer, replica, primary, Redis), then the AppHost.
                using var apphost = new AppHostClient(layout);
                var answer = inOrder
                    ? await apphost.ShutdownAsync(TimeSpan.FromSeconds(300), cancellationToken)
                    : new CommandAnswer(false, "a failed start");
                if (!answer.Ok)
                {
                    if (inOrder)
                    {
                        AnsiConsole.MarkupLineInterpolated($"[yellow]The AppHost did not stop its components in order ({answer.Message}); stopping it directly.[/]");
                    }

                    StackProcesses.Signal(pid, "TERM");
                }

                if (!await StackProcesses.WaitForExitAsync([pid], TimeSpan.FromSeconds(60), cancellationToken))
                {
                    AnsiConsole.MarkupLine("[yellow]The AppHost did not stop within 60 s.[/]");
                }
            }

            // DCP finishes its own cleanup a few seconds after the AppHost exits; give it that time first.
            await StackProcesses.WaitForExitAsync(StackProcesses.Find(layout), TimeSpan.FromSeconds(15), cancellationToken);

            // Anything of ours still alive (a crashed AppHost, a stray child): TERM, then KILL.
            var strays = StackProcesses.Find(layout);
            if (strays.Count > 0)
            {
                status.Status($"Stopping {strays.Count} remaining process(es)…");
                foreach (var stray in strays)
                {
                    StackProcesses.Signal(stray, "TERM");
                }

                if (!await StackProcesses.WaitForExitAsync(strays, TimeSpan.FromSeconds(20), cancellationToken))
                {
                    foreach (var stray in StackProcesses.Find(layout))
                    {
                        StackProcesses.Signal(stray, "KILL");
                    }
                }
            }

            File.Delete(layout.AppHostPidFile);
            var left = StackProcesses.Find(layout);
            if (left.Count > 0)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]Still running:[/] {string.Join(", ", left)}");
                return false;
            }

            AnsiConsole.MarkupLine("The stack is stopped.");
            return true;
        });
    }
}
