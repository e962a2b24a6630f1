using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Serialization;

namespace Vitrine.Stack;

/// <summary>One component as the AppHost sees it; `status --json` prints these (CONTRACT §1).</summary>
/// <param name="Kind">CONTRACT §1's kind, or null for a step or exporter that `status` does not list.</param>
/// <param name="Pid">The running process's pid; null (printed, never left out) while none runs.</param>
/// <param name="State">Aspire's resource state: Starting, Running, Exited, Finished, FailedToStart, Waiting…</param>
/// <param name="Failed">It stopped when it should run, or a one-shot step ended with a non-zero exit code.</param>
/// <param name="HealthChecks">Each of Aspire's health checks of it and its last result (null: not run yet).</param>
public sealed record ComponentStatus(
    string Name, string? Kind, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] int? Pid, string Url, bool Healthy, int Port, long? UptimeSeconds, string State, int? ExitCode, bool Failed,
    IReadOnlyDictionary<string, string?>? HealthChecks = null);

public sealed record StatusReport(IReadOnlyList<ComponentStatus> Components)
{
    /// <summary>The components `status` lists (the ones with a contract kind).</summary>
    public StatusReport Listed() => new([.. Components.Where(c => c.Kind is not null)]);
}

/// <summary>The AppHost's answer to a command: ok, or why not.</summary>
public sealed record CommandAnswer(bool Ok, string Message);

/// <summary>
/// The CLI's side of the AppHost's backchannel: HTTP over the Unix socket the AppHost serves in the state directory
/// (mode 700, so only the stack's owner reaches it). The AppHost owns the topology; this only asks it.
/// </summary>
public sealed class AppHostClient : IDisposable
{
    private readonly HttpClient http;

    public AppHostClient(StackLayout layout)
    {
        var socket = layout.BackchannelSocket;
        http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await client.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken);
                    return new NetworkStream(client, ownsSocket: true);
                }
                catch
                {
                    client.Dispose();
                    throw;
                }
            },
        })
        {
            BaseAddress = new Uri("http://apphost/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Every component with its state and health, or null when no AppHost answers.</summary>
    public async Task<StatusReport?> StatusAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            return await http.GetFromJsonAsync("status", StackJson.Default.StatusReport, timeout.Token);
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Restarts one component (or starts it when it has exited) and waits until it is healthy.</summary>
    public Task<CommandAnswer> RestartAsync(string component, TimeSpan timeout, CancellationToken cancellationToken) =>
        PostAsync($"components/{Uri.EscapeDataString(component)}/restart?timeoutSeconds={(int)timeout.TotalSeconds}", timeout + TimeSpan.FromSeconds(10), cancellationToken);

    /// <summary>Stops one component and waits until it has stopped.</summary>
    public Task<CommandAnswer> StopAsync(string component, TimeSpan timeout, CancellationToken cancellationToken) =>
        PostAsync($"components/{Uri.EscapeDataString(component)}/stop?timeoutSeconds={(int)timeout.TotalSeconds}", timeout + TimeSpan.FromSeconds(10), cancellationToken);

    /// <summary>Starts one stopped component and waits until it is healthy.</summary>
    public Task<CommandAnswer> StartAsync(string component, TimeSpan timeout, CancellationToken cancellationToken) =>
        PostAsync($"components/{Uri.EscapeDataString(component)}/start?timeoutSeconds={(int)timeout.TotalSeconds}", timeout + TimeSpan.FromSeconds(10), cancellationToken);

    /// <summary>Stops every component front to back, then the AppHost itself.</summary>
    public Task<CommandAnswer> ShutdownAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        PostAsync("shutdown", timeout, cancellationToken);

    public void Dispose() => http.Dispose();

    private async Task<CommandAnswer> PostAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await http.PostAsync(new Uri(path, UriKind.Relative), content: null, deadline.Token);
            return await response.Content.ReadFromJsonAsync(StackJson.Default.CommandAnswer, deadline.Token)
                ?? new CommandAnswer(false, $"the AppHost answered {(int)response.StatusCode} with no body");
        }
        catch (HttpRequestException e)
        {
            return new CommandAnswer(false, "the AppHost does not answer: " + e.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new CommandAnswer(false, $"the AppHost gave no answer within {timeout.TotalSeconds:0} s");
        }
    }
}
