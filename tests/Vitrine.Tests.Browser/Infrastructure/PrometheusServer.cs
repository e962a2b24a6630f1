using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Browser.Infrastructure;

/// <summary>
/// A real Prometheus (Debian's package) scraping the given targets every second, on a free port, with its data in a
/// throwaway directory under the tests' temp root; recorded by pid (RunProcesses), so it never outlives the test run.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process process;
    private readonly string directory;

    private PrometheusServer(Process process, string directory, Uri url)
    {
        this.process = process;
        this.directory = directory;
        Url = url;
    }

    public Uri Url { get; }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<PrometheusServer> StartAsync(int port, IReadOnlyDictionary<string, Uri> jobs)
    {
        var directory = Path.Combine(Path.GetTempPath(), "vitrine-tests", "prometheus-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n" + string.Concat(jobs.Select(job =>
            $"  - job_name: {job.Key}\n    static_configs:\n      - targets: ['{job.Value.Host}:{job.Value.Port}']\n")));
        var info = ServerProcess.StartInfo("prometheus",
            [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}", $"--web.listen-address=127.0.0.1:{port}"],
            asPostgresUser: false);
        var process = ServerProcess.Start(info, $"prometheus (port {port})", stop: "TERM");
        var server = new PrometheusServer(process, directory, new Uri($"http://127.0.0.1:{port}/"));
        await server.WaitUntilAsync("up", result => result.GetArrayLength() == jobs.Count && result.EnumerateArray().All(s => s.GetProperty("value")[1].GetString() == "1"));
        return server;
    }

    /// <summary>Polls an instant query until its result satisfies the condition (Prometheus scrapes every second).</summary>
    public async Task WaitUntilAsync(string query, Func<JsonElement, bool> condition)
    {
        using var http = new HttpClient { BaseAddress = Url };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/v1/query?query=" + Uri.EscapeDataString(query), UriKind.Relative)));
                if (condition(document.RootElement.GetProperty("data").GetProperty("result")))
                {
                    return;
                }
            }
            catch (HttpRequestException) when (!process.HasExited)
            {
                // Still starting.
            }

            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Prometheus never answered '{query}' as expected (exited: {process.HasExited}).");
            }

            await Task.Delay(200);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ServerProcess.StopAsync(process);
        Directory.Delete(directory, recursive: true);
    }
}
