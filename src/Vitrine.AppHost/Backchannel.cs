using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vitrine.Stack;

namespace Vitrine.AppHost;

/// <summary>
/// The CLI's way in: HTTP on a Unix socket in .vitrine/run (mode 700: only the stack's owner reaches it), as Aspire's
/// own CLI talks to its AppHost. `status` reads the resource states, `restart` runs Aspire's restart command (the
/// dashboard's button) and waits for health, `stop` and `start` one component (what `restore` does around the
/// database), `shutdown` stops the stack front to back and then this process.
/// </summary>
public sealed partial class Backchannel(
    StackModel stack,
    DistributedApplicationModel model,
    ResourceStates states,
    ResourceCommandService commands,
    IHostApplicationLifetime lifetime,
    ILogger<Backchannel> logger) : IAsyncDisposable
{
    private WebApplication? server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var socket = stack.Layout.BackchannelSocket;
        Directory.CreateDirectory(Path.GetDirectoryName(socket)!);
        File.Delete(socket); // a socket file left by an AppHost that was killed

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socket));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, StackJson.Default));
        server = builder.Build();
        server.MapGet("/status", () => TypedResults.Json(states.Report(), StackJson.Default.StatusReport));
        server.MapPost("/components/{name}/restart", (string name, int? timeoutSeconds, CancellationToken requestAborted) =>
            RestartAsync(name, TimeSpan.FromSeconds(timeoutSeconds ?? 120), requestAborted));
        server.MapPost("/components/{name}/stop", (string name, int? timeoutSeconds, CancellationToken requestAborted) =>
            StopAsync(name, TimeSpan.FromSeconds(timeoutSeconds ?? 60), requestAborted));
        server.MapPost("/components/{name}/start", (string name, int? timeoutSeconds, CancellationToken requestAborted) =>
            StartAsync(name, TimeSpan.FromSeconds(timeoutSeconds ?? 120), requestAborted));
        server.MapPost("/shutdown", async (HttpContext context) =>
        {
            var answer = await StopAllAsync(context.RequestAborted);
            context.Response.OnCompleted(() =>
            {
                lifetime.StopApplication();
                return Task.CompletedTask;
            });
            return answer;
        });
        await server.StartAsync(cancellationToken);
        File.SetUnixFileMode(socket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    private async Task<IResult> RestartAsync(string name, TimeSpan timeout, CancellationToken requestAborted)
    {
        var resource = model.Resources.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal));
        if (resource is null)
        {
            return Answer(false, $"no component named {name}", StatusCodes.Status404NotFound);
        }

        LogRestart(logger, name);
        var requested = DateTime.UtcNow.AddSeconds(-1); // DCP's start times may be whole seconds
        var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.RestartCommand, requestAborted);
        if (!result.Success)
        {
            // A process that has exited (killed, crashed) cannot be restarted, only started.
            result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, requestAborted);
        }

        if (!result.Success)
        {
            return Answer(false, result.Message ?? "Aspire refused the restart", StatusCodes.Status409Conflict);
        }

        return await WaitUntilHealthyAsync(name, requested, timeout, "restarted", requestAborted);
    }

    /// <summary>Stops one running component (Aspire's stop command: SIGTERM, then a kill) and answers once it has stopped.</summary>
    private async Task<IResult> StopAsync(string name, TimeSpan timeout, CancellationToken requestAborted)
    {
        var resource = model.Resources.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal));
        if (resource is null)
        {
            return Answer(false, $"no component named {name}", StatusCodes.Status404NotFound);
        }

        if (!states.IsRunning(name))
        {
            return Answer(true, $"{name} was not running");
        }

        LogStopping(logger, name);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        deadline.CancelAfter(timeout);
        try
        {
            var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, deadline.Token);
            if (!result.Success)
            {
                return Answer(false, result.Message ?? "Aspire refused the stop", StatusCodes.Status409Conflict);
            }

            using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
            while (states.IsRunning(name))
            {
                await poll.WaitForNextTickAsync(deadline.Token);
            }

            return Answer(true, $"{name} stopped");
        }
        catch (OperationCanceledException) when (!requestAborted.IsCancellationRequested)
        {
            return Answer(false, $"{name} did not stop within {timeout.TotalSeconds:0} s", StatusCodes.Status504GatewayTimeout);
        }
    }

    /// <summary>Starts one stopped component and answers once Aspire reports it healthy.</summary>
    private async Task<IResult> StartAsync(string name, TimeSpan timeout, CancellationToken requestAborted)
    {
        var resource = model.Resources.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal));
        if (resource is null)
        {
            return Answer(false, $"no component named {name}", StatusCodes.Status404NotFound);
        }

        LogStarting(logger, name);
        var requested = DateTime.UtcNow.AddSeconds(-1); // DCP's start times may be whole seconds
        var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, requestAborted);
        if (!result.Success)
        {
            return Answer(false, result.Message ?? "Aspire refused the start", StatusCodes.Status409Conflict);
        }

        return await WaitUntilHealthyAsync(name, requested, timeout, "started", requestAborted);
    }

    /// <summary>Healthy again means a process started after the request, and its health checks passed since it started.</summary>
    private async Task<IResult> WaitUntilHealthyAsync(string name, DateTime requested, TimeSpan timeout, string done, CancellationToken requestAborted)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        deadline.CancelAfter(timeout);
        try
        {
            using var poll = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
            while (!(states.RunsSince(name, requested) && states.IsHealthy(name)))
            {
                // A process that exits before it is healthy (PostgreSQL refusing a recovery target, say) fails at once.
                if (states.EndedSince(name, requested) is { } ended)
                {
                    return Answer(false, $"{name} exited ({ended}) before it was healthy; see its log", StatusCodes.Status502BadGateway);
                }

                await poll.WaitForNextTickAsync(deadline.Token);
            }

            return Answer(true, $"{name} {done} and healthy");
        }
        catch (OperationCanceledException) when (!requestAborted.IsCancellationRequested)
        {
            return Answer(false, $"{name} did not become healthy within {timeout.TotalSeconds:0} s", StatusCodes.Status504GatewayTimeout);
        }
    }

    /// <summary>
    /// Front to back, one tier at a time (<see cref="StackComponents.StopOrder"/>), so nothing loses what it still
    /// needs. Only what runs is stopped (a resource still waiting for a dependency has nothing to stop), and a tier
    /// that does not stop within 30 s is left to the AppHost's own shutdown.
    /// </summary>
    private async Task<JsonHttpResult<CommandAnswer>> StopAllAsync(CancellationToken requestAborted)
    {
        var late = new List<string>();
        foreach (var tier in StackComponents.StopOrder(stack.Topology))
        {
            var running = model.Resources.Where(r => tier.Contains(r.Name) && states.IsRunning(r.Name)).ToList();
            if (running.Count == 0)
            {
                continue;
            }

            LogStopping(logger, string.Join(", ", running.Select(r => r.Name)));
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
            deadline.CancelAfter(TimeSpan.FromSeconds(30));
            try
            {
                await Task.WhenAll(running.Select(resource => commands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, deadline.Token)));
            }
            catch (OperationCanceledException) when (!requestAborted.IsCancellationRequested)
            {
                late.AddRange(running.Select(r => r.Name));
            }
        }

        return late.Count == 0 ? Answer(true, "stopped") : Answer(true, $"stopped; {string.Join(", ", late)} did not stop within 30 s");
    }

    private static JsonHttpResult<CommandAnswer> Answer(bool ok, string message, int status = StatusCodes.Status200OK) =>
        TypedResults.Json(new CommandAnswer(ok, message), StackJson.Default.CommandAnswer, statusCode: status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping {Components}")]
    private static partial void LogStopping(ILogger logger, string components);

    [LoggerMessage(Level = LogLevel.Information, Message = "Starting {Component} on request")]
    private static partial void LogStarting(ILogger logger, string component);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restarting {Component} on request")]
    private static partial void LogRestart(ILogger logger, string component);
}
