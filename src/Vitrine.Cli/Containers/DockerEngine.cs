using System.Diagnostics;
using Spectre.Console;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Containers;

/// <summary>
/// The Docker engine the images and the Compose stack use: the one answering at DOCKER_HOST or the default socket,
/// or else Debian's dockerd started by hand (no systemd here) with all its state under .vitrine/docker, which
/// `compose down` stops again by its pid. Every docker and docker-compose call goes through <see cref="Environment"/>.
/// </summary>
public sealed class DockerEngine
{
    public const string DefaultSocket = "/var/run/docker.sock";

    /// <summary>Debian's engine, Compose 1.29, and what `images` builds with (bases from packages, a local registry).</summary>
    public static readonly IReadOnlyList<Prerequisite> Requirements =
    [
        new("Docker engine (dockerd)", "docker.io", () => File.Exists("/usr/sbin/dockerd")),
        new("Docker client", "docker.io", () => Stack.Prerequisites.OnPath("docker")),
        new("docker-compose", "docker-compose", () => Stack.Prerequisites.OnPath("docker-compose")),
        new("mmdebstrap (base images from Debian packages)", "mmdebstrap", () => Stack.Prerequisites.OnPath("mmdebstrap")),
        new("docker-registry (a local registry for the SDK's container build)", "docker-registry", () => Stack.Prerequisites.OnPath("docker-registry")),
    ];

    private DockerEngine(string host, bool ours, StackLayout layout)
    {
        Host = host;
        StartedByUs = ours;
        Layout = layout;
    }

    /// <summary>The engine's address as DOCKER_HOST takes it (unix://…).</summary>
    public string Host { get; }

    /// <summary>True when this engine is the dockerd that vitrine started under .vitrine/docker.</summary>
    public bool StartedByUs { get; }

    public StackLayout Layout { get; }

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["DOCKER_HOST"] = Host };

    public static string StateDirectory(StackLayout layout) => Path.Combine(layout.StateDirectory, "docker");

    private static string OwnSocket(StackLayout layout) => Path.Combine(StateDirectory(layout), "docker.sock");

    private static string PidFile(StackLayout layout) => Path.Combine(StateDirectory(layout), "dockerd.pid");

    /// <summary>The engine that answers now, without starting one (null when none does).</summary>
    public static async Task<DockerEngine?> FindAsync(StackLayout layout, CancellationToken cancellationToken)
    {
        var own = "unix://" + OwnSocket(layout);
        if (Shell.ReadPid(PidFile(layout)) is { } pid && Shell.IsAlive(pid) && await AnswersAsync(own, cancellationToken))
        {
            return new DockerEngine(own, ours: true, layout);
        }

        var configured = System.Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrEmpty(configured) && configured != own)
        {
            return await AnswersAsync(configured, cancellationToken) ? new DockerEngine(configured, ours: false, layout) : null;
        }

        if (File.Exists(DefaultSocket) && await AnswersAsync("unix://" + DefaultSocket, cancellationToken))
        {
            return new DockerEngine("unix://" + DefaultSocket, ours: false, layout);
        }

        return null;
    }

    /// <summary>The engine that answers, or a dockerd of our own, installing Debian's packages first when missing.</summary>
    public static async Task<DockerEngine?> EnsureAsync(StackLayout layout, CancellationToken cancellationToken)
    {
        if (!await Stack.Prerequisites.EnsureAsync(Requirements, cancellationToken))
        {
            return null;
        }

        if (await FindAsync(layout, cancellationToken) is { } engine)
        {
            return engine;
        }

        if (!Shell.IsRoot)
        {
            AnsiConsole.MarkupLine("[red]No Docker engine answers[/] at DOCKER_HOST or /var/run/docker.sock, and starting one needs root.");
            return null;
        }

        var state = StateDirectory(layout);
        Directory.CreateDirectory(state);
        var host = "unix://" + OwnSocket(layout);
        // A private address pool and bridge keep this engine's networks clear of any other engine on the machine.
        Detach("dockerd", [
            "--host", host, "--data-root", Path.Combine(state, "data"), "--exec-root", Path.Combine(state, "exec"),
            "--pidfile", PidFile(layout), "--default-address-pool", "base=10.231.0.0/16,size=24", "--bip", "10.231.255.1/24",
            "--log-level", "warn",
        ], Path.Combine(state, "dockerd.log"));

        var answered = false;
        await AnsiConsole.Status().StartAsync("Starting dockerd (state in .vitrine/docker)…", async _ =>
        {
            for (var attempt = 0; attempt < 120 && !answered; attempt++)
            {
                await Task.Delay(500, cancellationToken);
                answered = await AnswersAsync(host, cancellationToken);
            }
        });
        if (!answered)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]dockerd did not answer[/] within a minute: see {Path.Combine(state, "dockerd.log")}.");
            return null;
        }

        AnsiConsole.MarkupLineInterpolated($"[green]dockerd started[/] (pid {Shell.ReadPid(PidFile(layout))}, {host}).");
        return new DockerEngine(host, ours: true, layout);
    }

    /// <summary>Stops the dockerd vitrine started (by its pid), waiting until it has gone; an engine we found stays.</summary>
    public static async Task StopOwnAsync(StackLayout layout, CancellationToken cancellationToken)
    {
        if (Shell.ReadPid(PidFile(layout)) is not { } pid || !Shell.IsAlive(pid))
        {
            return;
        }

        StackProcesses.Signal(pid, "TERM");
        if (!await StackProcesses.WaitForExitAsync([pid], TimeSpan.FromSeconds(30), cancellationToken))
        {
            StackProcesses.Signal(pid, "KILL");
        }

        AnsiConsole.MarkupLineInterpolated($"[green]dockerd stopped[/] (pid {pid}).");
    }

    public Task<Shell.Result> DockerAsync(IEnumerable<string> arguments, Action<string>? onLine = null, CancellationToken cancellationToken = default) =>
        Shell.RunAsync("docker", arguments, Layout.RepositoryRoot, Environment, onLine, cancellationToken);

    /// <summary>Starts a long-running program in its own session, output appended to a log file.</summary>
    public static Process Detach(string program, IReadOnlyList<string> arguments, string log)
    {
        var info = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
        };
        foreach (var argument in (string[])["sh", "-c", "exec \"$0\" \"$@\" >>\"$LOG\" 2>&1 </dev/null", program, .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["LOG"] = log;
        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {program}.");
    }

    private static async Task<bool> AnswersAsync(string host, CancellationToken cancellationToken)
    {
        var result = await Shell.RunAsync("docker", ["version", "--format", "{{.Server.Version}}"],
            environment: new Dictionary<string, string> { ["DOCKER_HOST"] = host }, cancellationToken: cancellationToken);
        return result.Succeeded;
    }
}
