using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Spectre.Console;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Commands;

/// <summary>
/// `vitrine up`: install what is missing, prepare state, start the AppHost detached, then follow its resource states
/// until every component is healthy — or stop at the first one that fails, naming it with the end of its log.
/// </summary>
public static class UpCommand
{
    public static Command Create()
    {
        var api = new Option<int>("--api") { Description = "Number of API replicas", DefaultValueFactory = _ => StackTopology.DefaultApiReplicas };
        var web = new Option<int>("--web") { Description = "Number of Web replicas", DefaultValueFactory = _ => StackTopology.DefaultWebReplicas };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the stack to become healthy", DefaultValueFactory = _ => 300 };
        var command = new Command("up", "Install what is missing, start the whole stack on this machine and print its URLs") { api, web, timeout };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(new StackTopology(parse.GetValue(api), parse.GetValue(web)), TimeSpan.FromSeconds(parse.GetValue(timeout)), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(StackTopology topology, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (topology.ApiReplicas is < 1 or > StackPorts.MaxReplicas || topology.WebReplicas is < 1 or > StackPorts.MaxReplicas)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]--api and --web must be between 1 and {StackPorts.MaxReplicas}.[/]");
            return 2;
        }

        var layout = StackLayout.Discover();
        if (AppHostProcess.RunningPid(layout) is { } running)
        {
            AnsiConsole.MarkupLineInterpolated($"The stack is already running (AppHost pid {running}); `./vitrine down` stops it.");
            return await StatusCommand.PrintAsync(layout, json: false, cancellationToken);
        }

        if (!await Prerequisites.EnsureAsync(Prerequisites.Stack, cancellationToken))
        {
            return 1;
        }

        var stack = StackModel.Resolve(layout, topology);
        if (stack.BackupRepository.Count == 0 && StackModel.Load(layout) is { BackupRepository.Count: > 0 } saved)
        {
            // The repository a stack was first started with stays its repository (its backups and WAL are there).
            stack = new StackModel(layout, topology, stack.Ports, saved.BackupRepository);
        }

        foreach (var (port, purpose, variable) in stack.BoundPorts())
        {
            if (!IsFree(port))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]Port {port} ({purpose}) is in use[/]: stop what holds it or set {variable} to another port.");
                return 1;
            }
        }

        var adminExisted = stack.Secrets.Exists(StackSecrets.Admin);
        stack.Secrets.EnsureGenerated();
        stack.Save();
        Directory.CreateDirectory(layout.Directory(StackComponents.RedisCache));
        Directory.CreateDirectory(layout.Directory(StackComponents.RedisDurable));

        if (!PostgresCluster.IsInitialised(layout))
        {
            await AnsiConsole.Status().StartAsync("Initialising PostgreSQL data directory…", _ => PostgresCluster.InitialiseAsync(layout, stack.Secrets, cancellationToken));
        }

        await StackConfig.WriteAllAsync(stack, cancellationToken);
        // The AppHost (with the migrate step) is built; the API and the Web are published, as production runs them.
        (string Step, string[] Arguments)[] steps =
        [
            ("Building the stack (Release)…", ["build", Path.Combine("src", "Vitrine.AppHost", "Vitrine.AppHost.csproj"), "-c", "Release", "--nologo", "-v", "q"]),
            ("Publishing the API (Release)…", ["publish", Path.Combine("src", "Vitrine.Api", "Vitrine.Api.csproj"), "-c", "Release", "-o", layout.PublishedApi, "--nologo", "-v", "q"]),
            ("Publishing the Web (Release)…", ["publish", Path.Combine("src", "Vitrine.Web", "Vitrine.Web.csproj"), "-c", "Release", "-o", layout.PublishedWeb, "--nologo", "-v", "q"]),
        ];
        foreach (var (step, arguments) in steps)
        {
            var build = await AnsiConsole.Status().StartAsync(step, _ => Shell.RunAsync("dotnet", arguments, layout.RepositoryRoot, cancellationToken: cancellationToken));
            if (!build.Succeeded)
            {
                AnsiConsole.WriteLine(build.Output);
                AnsiConsole.MarkupLineInterpolated($"[red]{step.TrimEnd('…')} failed.[/]");
                return 1;
            }
        }

        // What each log holds before this start: a failure shows only what this run wrote.
        var logStarts = Directory.EnumerateFiles(layout.LogsDirectory, "*.log").ToDictionary(path => path, path => new FileInfo(path).Length, StringComparer.Ordinal);
        var pid = await AppHostProcess.StartAsync(stack, cancellationToken);
        using var apphost = new AppHostClient(layout);
        var outcome = await WaitForHealthAsync(layout, apphost, pid, timeout, logStarts, cancellationToken);
        if (outcome is not null)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{outcome.Problem}[/] Last lines of {outcome.Log}:");
            AnsiConsole.WriteLine(outcome.Tail);
            AnsiConsole.MarkupLine("The stack is stopping; fix the cause and run [bold]./vitrine up[/] again.");
            await DownCommand.StopAsync(layout, inOrder: false, cancellationToken);
            return 1;
        }

        var report = await apphost.StatusAsync(cancellationToken);
        StatusCommand.PrintTable(report!.Listed());
        PrintUrls(stack, report);
        if (!adminExisted && stack.Secrets.ReadAdmin() is { } admin)
        {
            AnsiConsole.MarkupLineInterpolated($"Admin account (shown once; kept in {layout.Secret(StackSecrets.Admin)}): [bold]{admin.Email}[/] / [bold]{admin.Password}[/]");
        }

        AnsiConsole.MarkupLine("The stack keeps running; [bold]./vitrine status[/] shows it and [bold]./vitrine down[/] stops it.");
        return 0;
    }

    private sealed record Failure(string Problem, string Log, string Tail);

    /// <summary>Follows the AppHost's resource states: null once every component is healthy, or what went wrong.</summary>
    private static async Task<Failure?> WaitForHealthAsync(
        StackLayout layout, AppHostClient apphost, int appHostPid, TimeSpan timeout, Dictionary<string, long> logStarts, CancellationToken cancellationToken)
    {
        string Tail(string log) => AppHostProcess.Tail(log, 20, from: logStarts.GetValueOrDefault(log));
        var started = DateTime.UtcNow;
        var deadline = started + timeout;
        return await AnsiConsole.Status().StartAsync("Starting PostgreSQL, its replica, PgBouncer, Redis, migrations, the API, the Web, nginx and Prometheus…", async status =>
        {
            StatusReport? report = null;
            while (DateTime.UtcNow < deadline)
            {
                if (!Shell.IsAlive(appHostPid))
                {
                    return new Failure("The AppHost exited.", layout.AppHostLog, Tail(layout.AppHostLog));
                }

                report = await apphost.StatusAsync(cancellationToken) ?? report;
                if (report is not null)
                {
                    if (report.Components.FirstOrDefault(c => c.Failed) is { } failed)
                    {
                        var exit = failed.ExitCode is { } code ? $" with exit code {code}" : "";
                        var after = (DateTime.UtcNow - started).TotalSeconds;
                        return new Failure($"{failed.Name} failed to start ({failed.State}{exit}, {after:0} s after the AppHost started).", string.Join(" and ", LogFiles(layout, failed.Name)),
                            string.Join('\n', LogFiles(layout, failed.Name).Select(Tail)));
                    }

                    // Every component, the dashboard too: `status` lists it, so `up` returns only once it runs with a pid.
                    var waiting = report.Components.Where(c => !c.Healthy).Select(c => c.Name).ToList();
                    if (waiting.Count == 0 && report.Components.Any(c => c.Name == StackComponents.Dashboard))
                    {
                        return null;
                    }

                    if (waiting.Count > 0)
                    {
                        status.Status($"Waiting for {string.Join(", ", waiting)}…");
                    }
                }

                await Task.Delay(500, cancellationToken);
            }

            var slow = report?.Components.Where(c => !c.Healthy).Select(c => $"{c.Name} ({c.State})") ?? ["the AppHost's backchannel"];
            return new Failure($"The stack did not become healthy within {timeout.TotalSeconds:0} s: still waiting for {string.Join(", ", slow)}.",
                layout.AppHostLog, Tail(layout.AppHostLog));
        });
    }

    /// <summary>A component's own log; nginx reports configuration errors in its error log.</summary>
    private static IEnumerable<string> LogFiles(StackLayout layout, string component) =>
        component == StackComponents.Nginx ? [layout.Log(component), layout.Log("nginx-error")] : [layout.Log(component)];

    private static void PrintUrls(StackModel stack, StatusReport report)
    {
        var site = stack.Site;
        var table = new Table().Border(TableBorder.Rounded).AddColumns("What", "URL");
        table.AddRow("Storefront (nginx, HTTP/2 + TLS)", site + "/");
        table.AddRow("Products (API)", $"{site}/api/v1/products?page=1&pageSize=20");
        table.AddRow("OpenAPI 3.1", $"{site}/openapi/v1.json");
        table.AddRow("API reference", $"{site}/docs");
        table.AddRow("Health", $"{site}/health/ready");
        table.AddRow("Plain HTTP (301 to HTTPS)", $"http://localhost:{stack.Port(StackPorts.Http)}/");
        foreach (var replica in stack.ApiReplicas.Concat(stack.WebReplicas))
        {
            table.AddRow($"{replica} (direct, /metrics)", stack.Endpoint(replica).Url);
        }

        table.AddRow("Prometheus (alerts: /alerts)", stack.Endpoint(StackComponents.Prometheus).Url);
        table.AddRow("Alertmanager (silences: /#/silences)", stack.Endpoint(StackComponents.Alertmanager).Url);
        table.AddRow("nginx stub_status", StackModel.HttpUrl(stack.Port(StackPorts.NginxStatus)) + "/stub_status");
        table.AddRow("Aspire dashboard", report.Components.FirstOrDefault(c => c.Name == StackComponents.Dashboard)?.Url ?? stack.Endpoint(StackComponents.Dashboard).Url);
        table.AddRow("TLS certificate (self-signed; replace with a real pair)", stack.Layout.TlsCertificate);
        AnsiConsole.Write(table);
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
