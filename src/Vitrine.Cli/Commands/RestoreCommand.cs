using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Spectre.Console;
using StackExchange.Redis;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Commands;

/// <summary>
/// `vitrine restore --to &lt;time|latest&gt;`: point-in-time recovery of the running stack. Everything that reaches the
/// database stops (the Web and API replicas, the backup schedule, PgBouncer, the read replica, the primary);
/// pgBackRest restores the newest backup from before the target into the primary's data directory (delta: only what
/// differs is copied) and PostgreSQL replays the archived WAL up to the target, then promotes to a new timeline. The
/// read replica is made again from the restored primary, the caches that could hold newer data are emptied, and
/// every component starts again. Sessions and jobs in the durable Redis are kept.
/// </summary>
public static class RestoreCommand
{
    public static Command Create()
    {
        var to = new Option<string>("--to")
        {
            Description = "The moment to restore to: an ISO 8601 time with its offset (2026-12-02T10:15:30.123456Z), or latest (every archived commit)",
            Required = true,
        };
        var command = new Command("restore", "Restore the running stack's database to a moment (point-in-time recovery from pgBackRest's backups and WAL archive)") { to };
        command.SetAction((parse, cancellationToken) => RunAsync(StackLayout.Discover(), parse.GetValue(to)!, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(StackLayout layout, string to, CancellationToken cancellationToken)
    {
        DateTimeOffset? target = null;
        if (!string.Equals(to, "latest", StringComparison.OrdinalIgnoreCase))
        {
            if (!Backups.TryParseTarget(to, out var time))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]--to {to} is not a time[/]: give an ISO 8601 time with its offset, e.g. 2026-12-02T10:15:30.123456Z, or latest.");
                return 2;
            }

            target = time;
        }

        if (AppHostProcess.RunningPid(layout) is null || StackModel.Load(layout) is not { } stack)
        {
            AnsiConsole.MarkupLine("[red]The stack is not running[/]: restore works on the running stack; start it with ./vitrine up.");
            return 1;
        }

        var sets = await Backups.ListAsync(stack, cancellationToken);
        if (sets.Count == 0)
        {
            AnsiConsole.MarkupLine("[red]There is no backup to restore from[/]: take one with ./vitrine backup.");
            return 1;
        }

        if (target is { } moment)
        {
            if (moment > DateTimeOffset.UtcNow)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{Backups.ToPgBackRestTime(moment)} is in the future[/]: PostgreSQL cannot replay past the newest commit (use latest).");
                return 2;
            }

            if (moment < sets[0].Stopped)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]No backup ends before {Backups.ToPgBackRestTime(moment)}[/]: the oldest kept ({sets[0].Label}) ended at {Backups.ToPgBackRestTime(sets[0].Stopped)}.");
                return 2;
            }
        }

        var described = target is { } t ? Backups.ToPgBackRestTime(t) : "the newest archived commit";
        var clock = Stopwatch.StartNew();
        using var apphost = new AppHostClient(layout);
        var outcome = await AnsiConsole.Status().StartAsync($"Restoring to {described}…", status => RestoreAsync(stack, apphost, target, status, cancellationToken));
        if (outcome.Error is { } error)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]The restore failed[/]: {error}");
            AnsiConsole.MarkupLine("The stack may be partly stopped: fix the cause and run [bold]./vitrine restore[/] again, or ./vitrine down and up.");
            return 1;
        }

        foreach (var (step, seconds) in outcome.Steps)
        {
            AnsiConsole.MarkupLineInterpolated($"  {step}: {seconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
        }

        AnsiConsole.MarkupLineInterpolated(
            $"Restored to {described} in {clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s; the API was unavailable for {outcome.Downtime.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s.");
        return 0;
    }

    private sealed record Outcome(string? Error, List<(string Step, double Seconds)> Steps, TimeSpan Downtime);

    private static async Task<Outcome> RestoreAsync(StackModel stack, AppHostClient apphost, DateTimeOffset? target, StatusContext status, CancellationToken cancellationToken)
    {
        var steps = new List<(string, double)>();
        var step = Stopwatch.StartNew();
        void Done(string name)
        {
            steps.Add((name, step.Elapsed.TotalSeconds));
            step.Restart();
        }

        Outcome Failed(string error) => new(error, steps, TimeSpan.Zero);

        // Every commit up to now into the archive: the target may be seconds ago, in a segment not yet closed.
        status.Status("Archiving the current WAL segment…");
        var archived = await Backups.ArchiveNowAsync(stack, cancellationToken);
        if (!archived.Succeeded)
        {
            return Failed("pgbackrest check (archive the current WAL) failed:\n" + archived.Output.Trim());
        }

        Done("archive the current WAL");

        // What reaches the database, front to back, a tier at a time (a tier's members side by side); then what it
        // serves, back to front.
        string[][] tiers =
        [
            [.. stack.WebReplicas, .. stack.ApiReplicas],
            [StackComponents.BackupSchedule, StackComponents.PgBouncer, StackComponents.PostgresReplica],
        ];
        var downtime = Stopwatch.StartNew();
        foreach (var tier in tiers.Append([StackComponents.Postgres]))
        {
            status.Status($"Stopping {string.Join(", ", tier)}…");
            if (await EachAsync(tier, component => apphost.StopAsync(component, TimeSpan.FromSeconds(60), cancellationToken)) is { } failure)
            {
                return Failed($"stopping {failure}");
            }
        }

        Done("stop the replicas, PgBouncer and PostgreSQL");

        status.Status("pgBackRest restores the backup (delta)…");
        string[] arguments = target is { } moment
            ? ["--delta", "--type=time", $"--target={Backups.ToPgBackRestTime(moment)}", "--target-action=promote", "restore"]
            : ["--delta", "restore"];
        var restored = await Backups.RunAsync(stack, arguments, onLine: null, cancellationToken);
        if (!restored.Succeeded)
        {
            return Failed($"pgbackrest restore failed (exit {restored.ExitCode}):\n{restored.Output.Trim()}");
        }

        Done("restore the backup");

        // The replica follows the old timeline: it is made again from the restored primary.
        var replica = stack.Layout.PostgresReplicaDataDirectory;
        if (Directory.Exists(replica))
        {
            Directory.Delete(replica, recursive: true);
        }

        status.Status("PostgreSQL replays the archived WAL…");
        var started = await apphost.StartAsync(StackComponents.Postgres, TimeSpan.FromMinutes(30), cancellationToken);
        if (!started.Ok)
        {
            return Failed($"starting postgres: {started.Message}");
        }

        if (await WaitForPromotionAsync(stack, TimeSpan.FromMinutes(30), cancellationToken) is { } notPromoted)
        {
            return Failed(notPromoted);
        }

        // pgBackRest put the recovery settings in postgresql.auto.conf; left there, pg_basebackup would copy them to the
        // new replica, which would then replay to the same target and promote itself instead of following the primary.
        await ResetRecoverySettingsAsync(stack, cancellationToken);
        Done("replay the WAL and promote");

        status.Status("Making the read replica again…");
        var init = await Shell.RunAsync("sh",
            [stack.Layout.Deploy("postgres/init-replica.sh"), "127.0.0.1", stack.Port(StackPorts.Postgres).ToString(CultureInfo.InvariantCulture), replica, StackModel.ReplicationSlot],
            environment: stack.ReplicaInitEnvironment, cancellationToken: cancellationToken);
        if (!init.Succeeded)
        {
            return Failed("init-replica.sh failed:\n" + init.Output.Trim());
        }

        Done("make the read replica");

        // Cached reads may hold rows newer than the target: the cache Redis and nginx's API cache start empty.
        status.Status("Emptying the caches…");
        await using (var redis = await ConnectionMultiplexer.ConnectAsync(AllowAdmin(stack.RedisCache())))
        {
            foreach (var server in redis.GetServers())
            {
                await server.FlushAllDatabasesAsync();
            }
        }

        var nginxCache = Path.Combine(stack.Layout.NginxCacheDirectory, "api");
        if (Directory.Exists(nginxCache))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(nginxCache))
            {
                if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }
        }

        Done("empty the caches");

        foreach (var tier in tiers.Reverse())
        {
            status.Status($"Starting {string.Join(", ", tier)}…");
            if (await EachAsync(tier, component => apphost.StartAsync(component, TimeSpan.FromMinutes(5), cancellationToken)) is { } failure)
            {
                return Failed($"starting {failure}");
            }
        }

        var downtimeEnded = downtime.Elapsed;
        // nginx forgets the cache entries it indexed before the files went.
        var nginx = await apphost.RestartAsync(StackComponents.Nginx, TimeSpan.FromMinutes(1), cancellationToken);
        if (!nginx.Ok)
        {
            return Failed($"restarting nginx: {nginx.Message}");
        }

        Done("start everything again");
        return new Outcome(null, steps, downtimeEnded);
    }

    /// <summary>Runs the action on every component at once; null when all succeeded, else the first failure.</summary>
    private static async Task<string?> EachAsync(IEnumerable<string> components, Func<string, Task<CommandAnswer>> action)
    {
        var answers = await Task.WhenAll(components.Select(async component => (Component: component, Answer: await action(component))));
        return answers.Where(a => !a.Answer.Ok).Select(a => $"{a.Component}: {a.Answer.Message}").FirstOrDefault();
    }

    private static async Task ResetRecoverySettingsAsync(StackModel stack, CancellationToken cancellationToken)
    {
        var builder = stack.Primary("postgres");
        builder.Pooling = false;
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        string[] settings = ["restore_command", "recovery_target", "recovery_target_time", "recovery_target_action", "recovery_target_timeline",
            "recovery_target_lsn", "recovery_target_xid", "recovery_target_name", "recovery_target_inclusive"];
        foreach (var setting in settings)
        {
            // One statement per command: ALTER SYSTEM refuses to run inside a transaction block.
            await using var reset = new NpgsqlCommand($"ALTER SYSTEM RESET {setting}", connection);
            await reset.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection);
        await reload.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>Null once the primary has left recovery (reached the target and promoted), or why not.</summary>
    private static async Task<string?> WaitForPromotionAsync(StackModel stack, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var builder = stack.Primary("postgres");
        builder.Pooling = false;
        var deadline = DateTime.UtcNow + timeout;
        string last = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(cancellationToken);
                await using var query = new NpgsqlCommand("SELECT pg_is_in_recovery()", connection);
                if (await query.ExecuteScalarAsync(cancellationToken) is false)
                {
                    return null;
                }

                last = "still replaying WAL";
            }
            catch (NpgsqlException e)
            {
                last = e.Message;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        return $"PostgreSQL did not leave recovery within {timeout.TotalMinutes:0} min ({last}); see .vitrine/logs/postgres.log";
    }

    private static ConfigurationOptions AllowAdmin(ConfigurationOptions options)
    {
        options.AllowAdmin = true;
        return options;
    }
}
