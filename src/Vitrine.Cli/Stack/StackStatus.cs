using System.Globalization;
using Npgsql;
using StackExchange.Redis;

namespace Vitrine.Cli.Stack;

/// <summary>One running piece of the stack, as `status` and `status --json` report it (CONTRACT §1).</summary>
public sealed record ComponentStatus(string Name, string Kind, int? Pid, string Url, bool Healthy, int Port, long? UptimeSeconds);

public sealed record StatusReport(IReadOnlyList<ComponentStatus> Components);

public static class StackStatus
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };

    public static async Task<StatusReport> CollectAsync(StackLayout layout, Topology topology, CancellationToken cancellationToken)
    {
        var secrets = new StackSecrets(layout);
        var hasSecrets = secrets.Exists(StackSecrets.PostgresPassword);
        var probes = new List<Task<ComponentStatus>>();
        if (hasSecrets)
        {
            probes.Add(PostgresAsync("postgres", "postgres", StackLayout.Postgres.Value, Path.Combine(layout.PostgresDataDirectory, "postmaster.pid"), secrets, cancellationToken));
            probes.Add(PostgresAsync("postgres-replica", "postgres-replica", StackLayout.PostgresReplica.Value, Path.Combine(layout.PostgresReplicaDataDirectory, "postmaster.pid"), secrets, cancellationToken));
            probes.Add(PostgresAsync("pgbouncer", "pgbouncer", StackLayout.PgBouncer.Value, Path.Combine(StackConfig.PgBouncerDirectory(layout), "pgbouncer.pid"), secrets, cancellationToken));
            probes.Add(RedisAsync("redis-cache", "redis-cache", StackLayout.RedisCache.Value, null));
            probes.Add(RedisAsync("redis-durable", "redis-durable", StackLayout.RedisDurable.Value, secrets.Read(StackSecrets.RedisDurablePassword)));
        }

        foreach (var (kind, count, port) in new[] { ("api", topology.ApiReplicas, StackLayout.Api), ("web", topology.WebReplicas, StackLayout.Web) })
        {
            for (var replica = 0; replica < count; replica++)
            {
                var name = $"{kind}-{(replica + 1).ToString(CultureInfo.InvariantCulture)}";
                var url = $"http://127.0.0.1:{port.Offset(replica).ToString(CultureInfo.InvariantCulture)}";
                probes.Add(HttpAsync(name, kind, port.Offset(replica), Shell.ReadPid(layout.PidFile(name)), url + "/health/ready", url, cancellationToken));
            }
        }

        var site = $"https://localhost:{StackLayout.Https.Value.ToString(CultureInfo.InvariantCulture)}";
        probes.Add(HttpAsync("nginx", "lb", StackLayout.Https.Value, Shell.ReadPid(layout.PidFile("nginx")), $"http://127.0.0.1:{StackLayout.NginxStatus.Value.ToString(CultureInfo.InvariantCulture)}/health", site, cancellationToken));
        var prometheus = $"http://127.0.0.1:{StackLayout.Prometheus.Value.ToString(CultureInfo.InvariantCulture)}";
        probes.Add(HttpAsync("prometheus", "prometheus", StackLayout.Prometheus.Value, FindProcess(layout, "--config.file=" + StackConfig.PrometheusConfig(layout)), prometheus + "/-/ready", prometheus, cancellationToken));
        probes.Add(DashboardAsync(layout, cancellationToken));
        return new StatusReport(await Task.WhenAll(probes));
    }

    /// <summary>PostgreSQL, its replica or PgBouncer: healthy when a query through it answers.</summary>
    private static async Task<ComponentStatus> PostgresAsync(string name, string kind, int port, string pidFile, StackSecrets secrets, CancellationToken cancellationToken)
    {
        var pid = Shell.ReadPid(pidFile);
        var healthy = false;
        try
        {
            await using var connection = new NpgsqlConnection(PostgresCluster.ConnectionString(secrets, port, "postgres") + ";Pooling=false;Timeout=3;Server Compatibility Mode=NoTypeLoading");
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            healthy = (int)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
        }
        catch (NpgsqlException)
        {
        }
        catch (TimeoutException)
        {
        }

        return new ComponentStatus(name, kind, Alive(pid), PostgresCluster.Uri(secrets, port), healthy, port, Uptime(Alive(pid)));
    }

    private static async Task<ComponentStatus> RedisAsync(string name, string kind, int port, string? password)
    {
        var url = password is null ? $"redis://127.0.0.1:{port}" : $"redis://:{password}@127.0.0.1:{port}";
        int? pid = null;
        var healthy = false;
        try
        {
            var options = new ConfigurationOptions { EndPoints = { { "127.0.0.1", port } }, Password = password, ConnectTimeout = 2000, AbortOnConnectFail = true, AllowAdmin = true };
            await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
            var server = redis.GetServer("127.0.0.1", port);
            var info = (await server.InfoAsync("server")).SelectMany(group => group).ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
            pid = int.TryParse(info.GetValueOrDefault("process_id"), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
            healthy = (await redis.GetDatabase().PingAsync()) < TimeSpan.FromSeconds(2);
        }
        catch (RedisException)
        {
        }

        return new ComponentStatus(name, kind, pid, url, healthy, port, Uptime(pid));
    }

    private static async Task<ComponentStatus> HttpAsync(string name, string kind, int port, int? pid, string healthUrl, string url, CancellationToken cancellationToken) =>
        new(name, kind, Alive(pid), url, await IsOkAsync(healthUrl, cancellationToken), port, Uptime(Alive(pid)));

    /// <summary>A process of this stack whose command line holds the given argument.</summary>
    private static int? FindProcess(StackLayout layout, string argument)
    {
        var pid = StackProcesses.Find(layout).FirstOrDefault(p => CommandLine(p).Contains(argument, StringComparison.Ordinal));
        return pid == 0 ? null : pid;
    }

    private static async Task<ComponentStatus> DashboardAsync(StackLayout layout, CancellationToken cancellationToken)
    {
        var port = StackLayout.Dashboard.Value;
        var url = AppHostProcess.DashboardLoginUrl(layout) ?? $"http://127.0.0.1:{port}";
        var pid = FindProcess(layout, "Aspire.Dashboard");
        var healthy = await IsOkAsync($"http://127.0.0.1:{port}/", cancellationToken);
        return new ComponentStatus("dashboard", "dashboard", pid, url, healthy, port, Uptime(pid));
    }

    public static async Task<bool> IsOkAsync(string url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Http.GetAsync(new Uri(url), cancellationToken);
            return (int)response.StatusCode < 400;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static int? Alive(int? pid) => pid is { } p && Shell.IsAlive(p) ? p : null;

    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>Seconds since the process started, from /proc (field 22 of stat is the start time in clock ticks).</summary>
    private static long? Uptime(int? pid)
    {
        if (pid is not { } p)
        {
            return null;
        }

        try
        {
            var stat = File.ReadAllText($"/proc/{p}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var startTicks = long.Parse(fields[19], CultureInfo.InvariantCulture);
            var systemUptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture);
            return (long)(systemUptime - (startTicks / 100.0));
        }
        catch (IOException)
        {
            return null;
        }
    }
}
