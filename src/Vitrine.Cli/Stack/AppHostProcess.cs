using System.Globalization;

namespace Vitrine.Cli.Stack;

/// <summary>
/// Starts the Aspire AppHost that supervises the stack, detached (setsid) so `up` can return while it runs. From then
/// on every command talks to it over its backchannel (<see cref="AppHostClient"/>); SIGTERM to it stops every child.
/// </summary>
public static class AppHostProcess
{
    public static int? RunningPid(StackLayout layout) =>
        Shell.ReadPid(layout.AppHostPidFile) is { } pid && Shell.IsAlive(pid) ? pid : null;

    public static async Task<int> StartAsync(StackModel stack, CancellationToken cancellationToken)
    {
        var layout = stack.Layout;
        Directory.CreateDirectory(layout.LogsDirectory);
        string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
        string[] command =
        [
            "dotnet", layout.AppHostDll,
            $"--Vitrine:StateDirectory={layout.StateDirectory}",
            $"--Vitrine:RepositoryRoot={layout.RepositoryRoot}",
            "--DcpPublisher:WaitForResourceCleanup=true",
        ];
        var environment = new Dictionary<string, string>
        {
            [StackModel.StackVariable] = layout.StateDirectory,
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
            ["ASPNETCORE_URLS"] = StackModel.HttpUrl(stack.Port(StackPorts.Dashboard)),
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = StackModel.HttpUrl(stack.Port(StackPorts.DashboardOtlp)),
            ["DOTNET_NOLOGO"] = "1",
            ["LOG"] = layout.AppHostLog,
        };

        // A shell remains for one reason: setsid + nohup detach the AppHost from this command and the terminal.
        var launch = await Shell.RunAsync("sh",
        [
            "-c", "setsid nohup \"$@\" >>\"$LOG\" 2>&1 </dev/null & echo $!", "launch", .. command,
        ], layout.RepositoryRoot, environment, cancellationToken: cancellationToken);
        var pid = int.Parse(launch.Output.Trim(), CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(layout.AppHostPidFile, Invariant(pid), cancellationToken);
        return pid;
    }

    /// <summary>The last lines of a log file (a failed component's, or the AppHost's own), written after <paramref name="from"/>.</summary>
    public static string Tail(string path, int lines, long from = 0)
    {
        if (!File.Exists(path))
        {
            return "";
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Seek(Math.Min(from, stream.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return string.Join('\n', reader.ReadToEnd().TrimEnd().Split('\n').TakeLast(lines));
    }
}
