using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Vitrine.Cli.Containers;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Commands;

/// <summary>
/// `vitrine compose up|down|ps|env`: the seed's Compose deployment (deploy/compose/) on a real Docker engine, with
/// the images `vitrine images` builds. The project is VITRINE_COMPOSE_PROJECT (default vitrine).
/// </summary>
public static class ComposeCommand
{
    public static Command Create()
    {
        var api = new Option<int>("--api") { Description = "Number of API replicas", DefaultValueFactory = _ => StackTopology.DefaultApiReplicas };
        var web = new Option<int>("--web") { Description = "Number of Web replicas", DefaultValueFactory = _ => StackTopology.DefaultWebReplicas };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for every container to be healthy", DefaultValueFactory = _ => 600 };
        var up = new Command("up", "Build missing images, start the Compose stack and wait until every container is healthy") { api, web, timeout };
        up.SetAction((parse, cancellationToken) => UpAsync(parse.GetValue(api), parse.GetValue(web), parse.GetValue(timeout), cancellationToken));

        var purge = new Option<bool>("--purge") { Description = "Also delete the stack's volumes (data) and generated secrets" };
        var down = new Command("down", "Stop and remove the Compose stack's containers; stops the dockerd vitrine started") { purge };
        down.SetAction((parse, cancellationToken) => DownAsync(parse.GetValue(purge), cancellationToken));

        var ps = new Command("ps", "List the Compose stack's containers with their state and health");
        ps.SetAction((_, cancellationToken) => PsAsync(cancellationToken));

        var env = new Command("env", "Print DOCKER_HOST, COMPOSE_FILE and COMPOSE_PROJECT_NAME as shell assignments: eval \"$(./vitrine compose env)\"");
        env.SetAction((_, cancellationToken) => EnvAsync(cancellationToken));

        return new Command("compose", "The production topology as containers (deploy/compose/) on a Docker engine") { up, down, ps, env };
    }

    private static async Task<int> UpAsync(int api, int web, int timeoutSeconds, CancellationToken cancellationToken)
    {
        if (api < 1 || web < 1)
        {
            AnsiConsole.MarkupLine("[red]--api and --web need at least one replica each.[/]");
            return 2;
        }

        var layout = StackLayout.Discover();
        var engine = await DockerEngine.EnsureAsync(layout, cancellationToken);
        if (engine is null || !await ImagesCommand.BuildAsync(engine, cancellationToken))
        {
            return 1;
        }

        var stack = new ComposeDeployment(engine, ComposeDeployment.ProjectFromEnvironment());
        await stack.PrepareAsync(api, web, cancellationToken);
        var clock = Stopwatch.StartNew();
        AnsiConsole.MarkupLineInterpolated($"[bold]Starting[/] the Compose stack {stack.Project} ({api} API, {web} Web replicas)…");
        var started = await stack.ComposeAsync(["up", "-d", "--remove-orphans", "--scale", $"api={api}", "--scale", $"web={web}"],
            line => AnsiConsole.MarkupLineInterpolated($"  [grey]{line}[/]"), cancellationToken);
        if (!started.Succeeded)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]docker-compose up failed[/] (exit {started.ExitCode}).");
            return 1;
        }

        var health = new ComposeHealth(engine, stack.Project);
        if (!await health.WaitAsync(TimeSpan.FromSeconds(timeoutSeconds), cancellationToken))
        {
            return 1;
        }

        AnsiConsole.MarkupLineInterpolated($"[green]Healthy[/] in {clock.Elapsed.TotalSeconds:0} s.");
        var table = new Table().AddColumn("what").AddColumn("where");
        table.AddRow("Storefront", $"https://localhost:{ComposeDeployment.Https.Resolve()}/ (self-signed certificate)");
        table.AddRow("HTTP (301 to HTTPS)", $"http://localhost:{ComposeDeployment.Http.Resolve()}/");
        table.AddRow("Prometheus", $"http://127.0.0.1:{ComposeDeployment.Prometheus.Resolve()}/");
        if (stack.Admin is { } admin)
        {
            table.AddRow("Admin", $"{admin.Email} / {admin.Password} ({Path.Combine(stack.SecretsDirectory, "admin.json")})");
        }

        table.AddRow("docker / docker-compose", "eval \"$(./vitrine compose env)\"");
        AnsiConsole.Write(table);
        return 0;
    }

    private static async Task<int> DownAsync(bool purge, CancellationToken cancellationToken)
    {
        var layout = StackLayout.Discover();
        var engine = await DockerEngine.FindAsync(layout, cancellationToken);
        var stack = engine is null ? null : new ComposeDeployment(engine, ComposeDeployment.ProjectFromEnvironment());
        if (engine is not null && stack is not null && File.Exists(stack.HostFile))
        {
            string[] arguments = purge ? ["down", "--remove-orphans", "--volumes", "--timeout", "30"] : ["down", "--remove-orphans", "--timeout", "30"];
            var down = await stack.ComposeAsync(arguments, line => AnsiConsole.MarkupLineInterpolated($"  [grey]{line}[/]"), cancellationToken);
            if (!down.Succeeded)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]docker-compose down failed[/] (exit {down.ExitCode}).");
                return 1;
            }
        }

        if (purge)
        {
            stack?.DeleteState();
        }

        // The dockerd vitrine started goes too, unless another project still runs containers in it.
        if (engine is { StartedByUs: true })
        {
            var running = await engine.DockerAsync(["ps", "-q"], cancellationToken: cancellationToken);
            if (running.Succeeded && running.Output.Trim().Length == 0)
            {
                await DockerEngine.StopOwnAsync(layout, cancellationToken);
            }
            else
            {
                AnsiConsole.MarkupLine("dockerd keeps running: other containers are still up in it.");
            }
        }

        AnsiConsole.MarkupLine("[green]Compose stack down.[/]");
        return 0;
    }

    private static async Task<int> PsAsync(CancellationToken cancellationToken)
    {
        var layout = StackLayout.Discover();
        if (await DockerEngine.FindAsync(layout, cancellationToken) is not { } engine)
        {
            AnsiConsole.MarkupLine("No Docker engine answers: the Compose stack is not running.");
            return 1;
        }

        var table = new Table().AddColumn("service").AddColumn("container").AddColumn("state").AddColumn("health").AddColumn("ports");
        foreach (var container in await new ComposeHealth(engine, ComposeDeployment.ProjectFromEnvironment()).ContainersAsync(cancellationToken))
        {
            var color = container.Health switch { "healthy" => "green", "unhealthy" => "red", "starting" => "yellow", _ => "default" };
            table.AddRow(Markup.Escape(container.Service), Markup.Escape(container.Name), Markup.Escape(container.State),
                $"[{color}]{Markup.Escape(container.Health)}[/]", Markup.Escape(container.Ports));
        }

        AnsiConsole.Write(table);
        return 0;
    }

    private static async Task<int> EnvAsync(CancellationToken cancellationToken)
    {
        var layout = StackLayout.Discover();
        var engine = await DockerEngine.FindAsync(layout, cancellationToken);
        var host = engine?.Host ?? "unix://" + Path.Combine(DockerEngine.StateDirectory(layout), "docker.sock");
        var stack = engine is null ? null : new ComposeDeployment(engine, ComposeDeployment.ProjectFromEnvironment());
        Console.WriteLine($"export DOCKER_HOST={Quote(host)}");
        if (stack is not null)
        {
            Console.WriteLine($"export COMPOSE_FILE={Quote(stack.Environment["COMPOSE_FILE"])}");
        }

        Console.WriteLine($"export COMPOSE_PROJECT_NAME={Quote(ComposeDeployment.ProjectFromEnvironment())}");
        return engine is null ? 1 : 0;
    }

    /// <summary>Single quotes for a POSIX shell.</summary>
    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
