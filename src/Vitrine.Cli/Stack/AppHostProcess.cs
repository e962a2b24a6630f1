using System.Globalization;
using System.Text.RegularExpressions;

namespace Vitrine.Cli.Stack;

/// <summary>
/// The Aspire AppHost that supervises the stack, started detached (setsid) so `up` can return while it runs.
/// SIGTERM to it stops every child; WaitForResourceCleanup makes it exit only once they have stopped.
/// </summary>
public static partial class AppHostProcess
{
    /// <summary>Tags every process of this stack (inherited through the AppHost and DCP) so `down` can find strays.</summary>
    public const string StackVariable = "VITRINE_STACK";

    public static string DllPath(StackLayout layout) =>
        Path.Combine(layout.RepositoryRoot, "src", "Vitrine.AppHost", "bin", "Release", "net10.0", "Vitrine.AppHost.dll");

    public static int? RunningPid(StackLayout layout) =>
        Shell.ReadPid(layout.AppHostPidFile) is { } pid && Shell.IsAlive(pid) ? pid : null;

    public static async Task<int> StartAsync(StackLayout layout, Topology topology, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(layout.LogsDirectory);
        Directory.CreateDirectory(layout.RunDirectory);
        string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
        string[] command =
        [
            "dotnet", DllPath(layout),
            $"--Vitrine:StateDirectory={layout.StateDirectory}",
            $"--Vitrine:RepositoryRoot={layout.RepositoryRoot}",
            $"--Vitrine:PostgresDirectory={layout.PostgresDirectory}",
            $"--Vitrine:PostgresPort={Invariant(StackLayout.Postgres.Value)}",
            $"--Vitrine:RedisCachePort={Invariant(StackLayout.RedisCache.Value)}",
            $"--Vitrine:RedisDurablePort={Invariant(StackLayout.RedisDurable.Value)}",
            $"--Vitrine:ApiBasePort={Invariant(StackLayout.Api.Value)}",
            $"--Vitrine:ApiReplicas={Invariant(topology.ApiReplicas)}",
            $"--Vitrine:WebBasePort={Invariant(StackLayout.Web.Value)}",
            $"--Vitrine:WebReplicas={Invariant(topology.WebReplicas)}",
            $"--Vitrine:PostgresReplicaPort={Invariant(StackLayout.PostgresReplica.Value)}",
            $"--Vitrine:PgBouncerPort={Invariant(StackLayout.PgBouncer.Value)}",
            $"--Vitrine:HttpsPort={Invariant(StackLayout.Https.Value)}",
            $"--Vitrine:HttpPort={Invariant(StackLayout.Http.Value)}",
            $"--Vitrine:NginxStatusPort={Invariant(StackLayout.NginxStatus.Value)}",
            $"--Vitrine:InternalApiPort={Invariant(StackLayout.InternalApi.Value)}",
            $"--Vitrine:PrometheusPort={Invariant(StackLayout.Prometheus.Value)}",
            $"--Vitrine:ExporterBasePort={Invariant(StackLayout.Exporters.Value)}",
            $"--Vitrine:NginxConfig={StackConfig.NginxConfig(layout)}",
            $"--Vitrine:PrometheusConfig={StackConfig.PrometheusConfig(layout)}",
            $"--Vitrine:PgBouncerConfig={StackConfig.PgBouncerConfig(layout)}",
            $"--Vitrine:RedisExporterPasswords={StackConfig.RedisExporterPasswords(layout)}",
            $"--Vitrine:ReplicationSlot={StackConfig.ReplicationSlot}",
            "--DcpPublisher:WaitForResourceCleanup=true",
        ];
        var environment = new Dictionary<string, string>
        {
            [StackVariable] = layout.StateDirectory,
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Invariant(StackLayout.Dashboard.Value)}",
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{Invariant(StackLayout.DashboardOtlp.Value)}",
            ["DOTNET_NOLOGO"] = "1",
        };

        // setsid + nohup: the AppHost outlives this command and the terminal; its output goes to the log file.
        var launch = await Shell.RunAsync("sh",
        [
            "-c", "setsid nohup \"$@\" >>\"$LOG\" 2>&1 </dev/null & echo $!", "launch", .. command,
        ], layout.RepositoryRoot, new Dictionary<string, string>(environment) { ["LOG"] = layout.AppHostLog }, cancellationToken: cancellationToken);
        var pid = int.Parse(launch.Output.Trim(), CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(layout.AppHostPidFile, pid.ToString(CultureInfo.InvariantCulture), cancellationToken);
        return pid;
    }

    /// <summary>
    /// Asks the running AppHost to act (`restart &lt;name&gt;`, `stop-all`) through files in .vitrine/run/control and
    /// returns its answer ("ok" or "error: …"), or null when it gave none in time.
    /// </summary>
    public static async Task<string?> RequestAsync(StackLayout layout, string request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var control = Path.Combine(layout.RunDirectory, "control");
        Directory.CreateDirectory(control);
        var file = Path.Combine(control, Guid.NewGuid().ToString("N") + ".request");
        var response = Path.ChangeExtension(file, ".response");
        await File.WriteAllTextAsync(file + ".tmp", request, cancellationToken);
        File.Move(file + ".tmp", file); // the AppHost sees the request whole or not at all
        var deadline = DateTime.UtcNow + timeout;
        while (!File.Exists(response))
        {
            if (DateTime.UtcNow > deadline)
            {
                File.Delete(file);
                return null;
            }

            await Task.Delay(200, cancellationToken);
        }

        var answer = await File.ReadAllTextAsync(response, cancellationToken);
        File.Delete(response);
        return answer;
    }

    /// <summary>The dashboard's login URL (with its one-time token), as the AppHost printed it.</summary>
    public static string? DashboardLoginUrl(StackLayout layout)
    {
        if (!File.Exists(layout.AppHostLog))
        {
            return null;
        }

        using var stream = new FileStream(layout.AppHostLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        string? url = null;
        while (reader.ReadLine() is { } line)
        {
            var match = LoginUrl().Match(line);
            if (match.Success)
            {
                url = match.Value;
            }
        }

        return url;
    }

    public static string LogTail(StackLayout layout, int lines)
    {
        if (!File.Exists(layout.AppHostLog))
        {
            return "";
        }

        using var stream = new FileStream(layout.AppHostLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().Split('\n');
        return string.Join('\n', all.TakeLast(lines));
    }

    [GeneratedRegex(@"https?://[^\s]+/login\?t=[0-9a-fA-F]+")]
    private static partial Regex LoginUrl();
}
