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
    public const string ApiReplicasFile = "api-replicas";

    public static Command Create()
    {
        var api = new Option<int>("--api") { Description = "Number of API replicas", DefaultValueFactory = _ => 1 };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the stack to become healthy", DefaultValueFactory = _ => 300 };
        var command = new Command("up", "Install what is missing, start the whole stack on this machine and print its URLs") { api, timeout };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(api), TimeSpan.FromSeconds(parse.GetValue(timeout)), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(int apiReplicas, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (apiReplicas is < 1 or > 20)
        {
            AnsiConsole.MarkupLine("[red]--api must be between 1 and 20.[/]");
            return 2;
        }

        var layout = StackLayout.Discover();
        if (AppHostProcess.RunningPid(layout) is { } running)
        {
            AnsiConsole.MarkupLineInterpolated($"The stack is already running (AppHost pid {running}); `./vitrine down` stops it.");
            return await StatusCommand.PrintAsync(layout, json: false, cancellationToken);
        }

        if (!await Prerequisites.EnsureAsync([Prerequisites.PostgreSql, Prerequisites.Redis], cancellationToken))
        {
            return 1;
        }

        var ports = new List<StackPort> { StackLayout.Postgres, StackLayout.RedisCache, StackLayout.RedisDurable, StackLayout.Dashboard, StackLayout.DashboardOtlp };
        ports.AddRange(Enumerable.Range(0, apiReplicas).Select(i => StackLayout.Api with { Purpose = $"API replica {i + 1}", Default = StackLayout.Api.Default + i }));
        foreach (var port in ports)
        {
            var number = port.Purpose.StartsWith("API replica", StringComparison.Ordinal) ? StackLayout.Api.Value + (port.Default - StackLayout.Api.Default) : port.Value;
            if (!IsFree(number))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]Port {number} ({port.Purpose}) is in use[/]: stop what holds it or set {port.Variable} to another port.");
                return 1;
            }
        }

        var secrets = new StackSecrets(layout);
        var adminExisted = secrets.Exists(StackSecrets.Admin);
        secrets.EnsureGenerated();
        Directory.CreateDirectory(layout.RunDirectory);
        Directory.CreateDirectory(Path.Combine(layout.StateDirectory, "redis-cache"));
        Directory.CreateDirectory(Path.Combine(layout.StateDirectory, "redis-durable"));
        await File.WriteAllTextAsync(Path.Combine(layout.RunDirectory, ApiReplicasFile), apiReplicas.ToString(CultureInfo.InvariantCulture), cancellationToken);

        if (!PostgresCluster.IsInitialised(layout))
        {
            await AnsiConsole.Status().StartAsync("Initialising PostgreSQL data directory…", _ => PostgresCluster.InitialiseAsync(layout, secrets, cancellationToken));
        }

        var build = await AnsiConsole.Status().StartAsync("Building the stack (Release)…", _ =>
            Shell.RunAsync("dotnet", ["build", Path.Combine("src", "Vitrine.AppHost", "Vitrine.AppHost.csproj"), "-c", "Release", "--nologo", "-v", "q"], layout.RepositoryRoot, cancellationToken: cancellationToken));
        if (!build.Succeeded)
        {
            AnsiConsole.WriteLine(build.Output);
            AnsiConsole.MarkupLine("[red]Build failed.[/]");
            return 1;
        }

        var pid = await AppHostProcess.StartAsync(layout, apiReplicas, cancellationToken);
        var healthy = await WaitForHealthAsync(layout, apiReplicas, pid, timeout, cancellationToken);
        if (!healthy)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]The stack did not become healthy.[/] Last lines of {layout.AppHostLog}:");
            AnsiConsole.WriteLine(AppHostProcess.LogTail(layout, 40));
            return 1;
        }

        await StatusCommand.PrintAsync(layout, json: false, cancellationToken);
        PrintUrls(layout, apiReplicas);
        if (!adminExisted && secrets.ReadAdmin() is { } admin)
        {
            AnsiConsole.MarkupLineInterpolated($"Admin account (shown once; kept in {layout.Secret(StackSecrets.Admin)}): [bold]{admin.Email}[/] / [bold]{admin.Password}[/]");
        }

        AnsiConsole.MarkupLine("The stack keeps running; [bold]./vitrine status[/] shows it and [bold]./vitrine down[/] stops it.");
        return 0;
    }

    private static async Task<bool> WaitForHealthAsync(StackLayout layout, int apiReplicas, int appHostPid, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        return await AnsiConsole.Status().StartAsync("Starting PostgreSQL, Redis, migrations and the API…", async status =>
        {
            while (DateTime.UtcNow < deadline)
            {
                if (!Shell.IsAlive(appHostPid))
                {
                    return false;
                }

                var report = await StackStatus.CollectAsync(layout, apiReplicas, cancellationToken);
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

    private static void PrintUrls(StackLayout layout, int apiReplicas)
    {
        var api = $"http://127.0.0.1:{StackLayout.Api.Value}";
        var table = new Table().Border(TableBorder.Rounded).AddColumns("What", "URL");
        table.AddRow("API (replica 1)", api);
        table.AddRow("Products", $"{api}/api/v1/products?page=1&pageSize=20");
        table.AddRow("OpenAPI 3.1", $"{api}/openapi/v1.json");
        table.AddRow("API reference", $"{api}/docs");
        table.AddRow("Health", $"{api}/health/ready");
        table.AddRow("Metrics", $"{api}/metrics");
        for (var i = 2; i <= apiReplicas; i++)
        {
            table.AddRow($"API (replica {i})", $"http://127.0.0.1:{StackLayout.Api.Offset(i - 1)}");
        }

        table.AddRow("Aspire dashboard", AppHostProcess.DashboardLoginUrl(layout) ?? $"http://127.0.0.1:{StackLayout.Dashboard.Value}");
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
