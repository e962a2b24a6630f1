using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Spectre.Console;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Commands;

/// <summary>`vitrine up`: install what is missing, prepare state, start the stack detached, wait for health, print URLs.</summary>
public static class UpCommand
{
    public static Command Create()
    {
        var api = new Option<int>("--api") { Description = "Number of API replicas", DefaultValueFactory = _ => Topology.DefaultApiReplicas };
        var web = new Option<int>("--web") { Description = "Number of Web replicas", DefaultValueFactory = _ => Topology.DefaultWebReplicas };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the stack to become healthy", DefaultValueFactory = _ => 300 };
        var command = new Command("up", "Install what is missing, start the whole stack on this machine and print its URLs") { api, web, timeout };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(new Topology(parse.GetValue(api), parse.GetValue(web)), TimeSpan.FromSeconds(parse.GetValue(timeout)), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(Topology topology, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (topology.ApiReplicas is < 1 or > 20 || topology.WebReplicas is < 1 or > 20)
        {
            AnsiConsole.MarkupLine("[red]--api and --web must be between 1 and 20.[/]");
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

        foreach (var (port, purpose, variable) in StackLayout.Ports(topology))
        {
            if (!IsFree(port))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]Port {port} ({purpose}) is in use[/]: stop what holds it or set {variable} to another port.");
                return 1;
            }
        }

        var secrets = new StackSecrets(layout);
        var adminExisted = secrets.Exists(StackSecrets.Admin);
        secrets.EnsureGenerated();
        Directory.CreateDirectory(layout.RunDirectory);
        Directory.CreateDirectory(Path.Combine(layout.StateDirectory, "redis-cache"));
        Directory.CreateDirectory(Path.Combine(layout.StateDirectory, "redis-durable"));
        topology.Write(layout);

        if (!PostgresCluster.IsInitialised(layout))
        {
            await AnsiConsole.Status().StartAsync("Initialising PostgreSQL data directory…", _ => PostgresCluster.InitialiseAsync(layout, secrets, cancellationToken));
        }

        await StackConfig.WriteAllAsync(layout, topology, secrets, cancellationToken);
        // The AppHost (with the migrate step) is built; the API and the Web are published, as production runs them.
        (string Step, string[] Arguments)[] steps =
        [
            ("Building the stack (Release)…", ["build", Path.Combine("src", "Vitrine.AppHost", "Vitrine.AppHost.csproj"), "-c", "Release", "--nologo", "-v", "q"]),
            ("Publishing the API (Release)…", ["publish", Path.Combine("src", "Vitrine.Api", "Vitrine.Api.csproj"), "-c", "Release", "-o", Path.Combine(layout.StateDirectory, "publish", "api"), "--nologo", "-v", "q"]),
            ("Publishing the Web (Release)…", ["publish", Path.Combine("src", "Vitrine.Web", "Vitrine.Web.csproj"), "-c", "Release", "-o", Path.Combine(layout.StateDirectory, "publish", "web"), "--nologo", "-v", "q"]),
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

        var pid = await AppHostProcess.StartAsync(layout, topology, cancellationToken);
        var healthy = await WaitForHealthAsync(layout, topology, pid, timeout, cancellationToken);
        if (!healthy)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]The stack did not become healthy.[/] Last lines of {layout.AppHostLog}:");
            AnsiConsole.WriteLine(AppHostProcess.LogTail(layout, 40));
            return 1;
        }

        await StatusCommand.PrintAsync(layout, json: false, cancellationToken);
        PrintUrls(layout, topology);
        if (!adminExisted && secrets.ReadAdmin() is { } admin)
        {
            AnsiConsole.MarkupLineInterpolated($"Admin account (shown once; kept in {layout.Secret(StackSecrets.Admin)}): [bold]{admin.Email}[/] / [bold]{admin.Password}[/]");
        }

        AnsiConsole.MarkupLine("The stack keeps running; [bold]./vitrine status[/] shows it and [bold]./vitrine down[/] stops it.");
        return 0;
    }

    private static async Task<bool> WaitForHealthAsync(StackLayout layout, Topology topology, int appHostPid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        return await AnsiConsole.Status().StartAsync("Starting PostgreSQL, its replica, PgBouncer, Redis, migrations, the API, the Web, nginx and Prometheus…", async status =>
        {
            while (DateTime.UtcNow < deadline)
            {
                if (!Shell.IsAlive(appHostPid))
                {
                    return false;
                }

                var report = await StackStatus.CollectAsync(layout, topology, cancellationToken);
                var waiting = report.Components.Where(c => !c.Healthy && c.Kind != "dashboard").Select(c => c.Name).ToList();
                if (waiting.Count == 0)
                {
                    return true;
                }

                status.Status($"Waiting for {string.Join(", ", waiting)}…");
                await Task.Delay(1000, cancellationToken);
            }

            return false;
        });
    }

    private static void PrintUrls(StackLayout layout, Topology topology)
    {
        var site = StackLayout.Https.Value == 443 ? "https://localhost" : $"https://localhost:{StackLayout.Https.Value}";
        var table = new Table().Border(TableBorder.Rounded).AddColumns("What", "URL");
        table.AddRow("Storefront (nginx, HTTP/2 + TLS)", site + "/");
        table.AddRow("Products (API)", $"{site}/api/v1/products?page=1&pageSize=20");
        table.AddRow("OpenAPI 3.1", $"{site}/openapi/v1.json");
        table.AddRow("API reference", $"{site}/docs");
        table.AddRow("Health", $"{site}/health/ready");
        table.AddRow("Plain HTTP (301 to HTTPS)", $"http://localhost:{StackLayout.Http.Value}/");
        for (var i = 0; i < topology.ApiReplicas; i++)
        {
            table.AddRow($"API replica {i + 1} (direct, /metrics)", $"http://127.0.0.1:{StackLayout.Api.Offset(i)}");
        }

        for (var i = 0; i < topology.WebReplicas; i++)
        {
            table.AddRow($"Web replica {i + 1} (direct, /metrics)", $"http://127.0.0.1:{StackLayout.Web.Offset(i)}");
        }

        table.AddRow("Prometheus (alerts: /alerts)", $"http://127.0.0.1:{StackLayout.Prometheus.Value}");
        table.AddRow("nginx stub_status", $"http://127.0.0.1:{StackLayout.NginxStatus.Value}/stub_status");
        table.AddRow("Aspire dashboard", AppHostProcess.DashboardLoginUrl(layout) ?? $"http://127.0.0.1:{StackLayout.Dashboard.Value}");
        table.AddRow("TLS certificate (self-signed; replace with a real pair)", StackConfig.TlsCertificate(layout));
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
