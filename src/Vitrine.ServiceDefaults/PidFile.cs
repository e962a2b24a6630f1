using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Vitrine.ServiceDefaults;

/// <summary>
/// Writes the process id to Vitrine:PidFile while the process runs, so `vitrine status` can name each replica's pid
/// without asking the supervisor. Off unless configured.
/// </summary>
public sealed class PidFile(IConfiguration configuration) : IHostedLifecycleService
{
    public const string Setting = "Vitrine:PidFile";

    private string? Path => configuration[Setting];

    public Task StartedAsync(CancellationToken cancellationToken) =>
        Path is { Length: > 0 } path
            ? File.WriteAllTextAsync(path, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken)
            : Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (Path is { Length: > 0 } path && File.Exists(path))
        {
            File.Delete(path);
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
