using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;
using Spectre.Console;
using Vitrine.Cli.Seeding;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Commands;

/// <summary>
/// `vitrine bench`: wrk scenarios against a dedicated API replica pinned to one core, wrk on the other, on the running
/// stack's PostgreSQL and Redis; every figure also as a ratio to two ceilings measured in the same run: `bare` (bare
/// Kestrel answering /health/live, bench/bare) and `ceiling` (the API's own /health/live, every middleware on).
/// </summary>
public static class BenchCommand
{
    private static readonly string[] AllScenarios =
        ["bare", "ceiling", "product", "product-uniform", "list", "search", "login", "place", "mine", "mine-one", "limiter", "database"];
    private static readonly string[] ErrorCounters = ["connectErrors", "readErrors", "writeErrors", "statusErrors", "timeouts"];

    public static Command Create()
    {
        var scenarios = new Argument<string[]>("scenarios") { Description = $"Scenarios to run (default all): {string.Join(", ", AllScenarios)}", Arity = ArgumentArity.ZeroOrMore };
        var duration = new Option<int>("--duration") { Description = "Seconds per scenario", DefaultValueFactory = _ => 15 };
        var connections = new Option<int>("--connections") { Description = "Concurrent connections", DefaultValueFactory = _ => 32 };
        var command = new Command("bench", "Benchmark the API (default: req/s, p50/p95/p99 and errors per scenario) or, with `bench web`, the storefront in Lighthouse; results in bench/results/")
        {
            scenarios, duration, connections, WebBenchCommand.Create(),
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetValue(scenarios) is { Length: > 0 } chosen ? chosen : AllScenarios,
            parse.GetValue(duration),
            parse.GetValue(connections),
            cancellationToken));
        return command;
    }

    private sealed record Result(string Scenario, string Variant, double RequestsPerSecond, double P50Ms, double P95Ms, double P99Ms, long Requests, long Errors, string CacheHits);

    private static async Task<int> RunAsync(string[] scenarios, int duration, int connections, CancellationToken cancellationToken)
    {
        var unknown = scenarios.Except(AllScenarios).ToList();
        if (unknown.Count > 0 || duration < 1 || connections < 1)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]Unknown scenario(s) {string.Join(", ", unknown)} or a bad --duration/--connections.[/] Scenarios: {string.Join(", ", AllScenarios)}.");
            return 2;
        }

        var layout = StackLayout.Discover();
        var wrk = new Prerequisite("wrk (HTTP load generator)", "wrk", () => Prerequisites.OnPath("wrk"));
        var taskset = new Prerequisite("taskset", "util-linux", () => Prerequisites.OnPath("taskset"));
        if (!await Prerequisites.EnsureAsync([wrk, taskset], cancellationToken))
        {
            return 1;
        }

        var stack = StackModel.Load(layout);
        if (AppHostProcess.RunningPid(layout) is null || stack is null)
        {
            AnsiConsole.MarkupLine("[red]The stack is not running:[/] start it with ./vitrine up (bench uses its PostgreSQL and Redis).");
            return 1;
        }

        // The benchmark's own Release builds of the API and the bare Kestrel ceiling, apart from the running stack's binaries.
        foreach (var project in new[] { Path.Combine("src", "Vitrine.Api", "Vitrine.Api.csproj"), Path.Combine("bench", "bare", "Vitrine.Bench.Bare.csproj") })
        {
            var build = await AnsiConsole.Status().StartAsync($"Building {Path.GetFileNameWithoutExtension(project)} (Release)…", _ => Shell.RunAsync("dotnet",
                ["build", project, "-c", "Release", "--artifacts-path", Path.Combine("artifacts", "bench"), "--nologo", "-v", "q"],
                layout.RepositoryRoot, cancellationToken: cancellationToken));
            if (!build.Succeeded)
            {
                AnsiConsole.WriteLine(build.Output);
                return 1;
            }
        }

        var connectionString = stack.Primary().ConnectionString;
        await using (var dataSource = NpgsqlDataSource.Create(connectionString))
        {
            // Enough data for random ids and logins; a larger `vitrine seed` beforehand is kept as it is.
            await new ScaleSeeder(dataSource, 42, AnsiConsole.Console).RunAsync(users: 10_000, products: 10_000, orders: 50_000, cancellationToken);
        }

        var (minId, maxId, users) = await DataShapeAsync(connectionString, cancellationToken);
        var cores = Environment.ProcessorCount;
        var results = new List<Result>();
        var tokensFile = Path.Combine(layout.RunDirectory, "bench-tokens.txt");
        var tokensWritten = false;
        foreach (var scenario in scenarios)
        {
            // limiter: the general rate limiter in process or in Redis; database: the uncached order history read
            // straight from the primary, through PgBouncer (transaction pooling), or from the streaming replica.
            var variants = scenario switch
            {
                "limiter" => new[] { "InProcess", "Redis" },
                "database" => ["Direct", "PgBouncer", "Replica"],
                _ => ["InProcess"],
            };
            foreach (var variant in variants)
            {
                await using var api = scenario == "bare"
                    ? await BenchApi.StartBareAsync(layout, cancellationToken)
                    : await BenchApi.StartAsync(stack, generalStore: variant == "Redis" ? "Redis" : "InProcess",
                        database: scenario == "database" ? variant : "Direct", cancellationToken);
                var script = scenario switch { "limiter" => "categories", "database" => "mine", "bare" => "ceiling", _ => scenario };
                var environment = new Dictionary<string, string>
                {
                    ["VITRINE_BENCH_DIR"] = Path.Combine(layout.RepositoryRoot, "bench"),
                    ["VITRINE_MIN_PRODUCT_ID"] = minId.ToString(CultureInfo.InvariantCulture),
                    ["VITRINE_MAX_PRODUCT_ID"] = maxId.ToString(CultureInfo.InvariantCulture),
                    ["VITRINE_SEEDED_USERS"] = users.ToString(CultureInfo.InvariantCulture),
                    ["VITRINE_SEED_PASSWORD"] = ScaleSeeder.Password,
                    ["VITRINE_BENCH_TOKENS"] = tokensFile,
                };
                if (scenario is "place" or "mine" or "mine-one" or "database" && !tokensWritten)
                {
                    await WriteTokensAsync(api.Url, tokensFile, users, cancellationToken);
                    tokensWritten = true;
                }

                // Warm up (JIT, pools, caches) before measuring.
                await Wrk(layout, api.Url, script, 3, connections, environment, cancellationToken);
                AnsiConsole.MarkupLineInterpolated($"Running [bold]{scenario}[/] ({variant}) for {duration} s…");
                var summary = await Wrk(layout, api.Url, script, duration, connections, environment, cancellationToken);
                if (summary is null)
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]wrk gave no result for {scenario}.[/]");
                    return 1;
                }

                var seconds = summary.Value.GetProperty("durationUs").GetInt64() / 1_000_000.0;
                var requests = summary.Value.GetProperty("requests").GetInt64();
                var errors = ErrorCounters.Sum(name => summary.Value.GetProperty(name).GetInt64());
                results.Add(new Result(
                    scenario,
                    variant,
                    requests / seconds,
                    summary.Value.GetProperty("p50Us").GetInt64() / 1000.0,
                    summary.Value.GetProperty("p95Us").GetInt64() / 1000.0,
                    summary.Value.GetProperty("p99Us").GetInt64() / 1000.0,
                    requests,
                    errors,
                    scenario == "bare" ? "n/a" : await api.CacheHitRatioAsync(cancellationToken)));
            }
        }

        Print(results, cores);
        var file = await WriteMarkdownAsync(layout, results, scenarios, duration, connections, cores, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"Results written to {file}");
        return 0;
    }

    /// <summary>Signs in a few dozen seeded users (bcrypt makes this the slow part) for the order scenarios.</summary>
    private static async Task WriteTokensAsync(string apiUrl, string file, long users, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(apiUrl) };
        var tokens = new List<string>();
        for (var n = 1L; n <= Math.Min(users, 49); n++)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/auth/login", UriKind.Relative))
            {
                Content = new StringContent($$"""{"email":"{{ScaleSeeder.Email(n)}}","password":"{{ScaleSeeder.Password}}"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Forwarded-For", $"10.250.{n / 250}.{(n % 250) + 1}");
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                tokens.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement.GetProperty("accessToken").GetString()!);
            }
        }

        await File.WriteAllLinesAsync(file, tokens, cancellationToken);
    }

    private static async Task<JsonElement?> Wrk(StackLayout layout, string url, string script, int duration, int connections, Dictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var cores = Environment.ProcessorCount;
        string[] command = cores > 1 ? ["taskset", "-c", (cores - 1).ToString(CultureInfo.InvariantCulture), "wrk"] : ["wrk"];
        var result = await Shell.RunAsync(command[0],
        [
            .. command[1..], "-t1", $"-c{connections}", $"-d{duration}s", "--timeout", "10s", "--latency",
            "-s", Path.Combine(layout.RepositoryRoot, "bench", script + ".lua"), url,
        ], layout.RepositoryRoot, environment, cancellationToken: cancellationToken);
        var line = result.Output.Split('\n').FirstOrDefault(l => l.StartsWith("VITRINE_RESULT ", StringComparison.Ordinal));
        return line is null ? null : JsonDocument.Parse(line["VITRINE_RESULT ".Length..]).RootElement.Clone();
    }

    private static async Task<(long MinId, long MaxId, long Users)> DataShapeAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT (SELECT min(id) FROM products), (SELECT max(id) FROM products), (SELECT count(*) FROM users WHERE email LIKE '%@{ScaleSeeder.EmailDomain}')", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    /// <summary>A result's throughput as a fraction of a ceiling measured in the same run ("-" when it was not run).</summary>
    private static string Ratio(Result result, List<Result> results, string ceiling) =>
        results.FirstOrDefault(r => r.Scenario == ceiling)?.RequestsPerSecond is { } c and > 0
            ? (result.RequestsPerSecond / c).ToString("0.00", CultureInfo.InvariantCulture)
            : "-";

    private static void Print(List<Result> results, int cores)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("scenario", "variant", "req/s", "× bare", "× ceiling", "p50 ms", "p95 ms", "p99 ms", "requests", "errors", "cache hits");
        foreach (var r in results)
        {
            table.AddRow(r.Scenario, r.Variant, r.RequestsPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                Ratio(r, results, "bare"), Ratio(r, results, "ceiling"),
                r.P50Ms.ToString("0.00", CultureInfo.InvariantCulture), r.P95Ms.ToString("0.00", CultureInfo.InvariantCulture), r.P99Ms.ToString("0.00", CultureInfo.InvariantCulture),
                r.Requests.ToString(CultureInfo.InvariantCulture), r.Errors.ToString(CultureInfo.InvariantCulture), r.CacheHits);
        }

        AnsiConsole.Write(table);
        if (results.FirstOrDefault(r => r.Scenario == "login") is { } login)
        {
            AnsiConsole.MarkupLineInterpolated($"login: {login.RequestsPerSecond:N1} logins/s on one API core (bcrypt cost 10); the machine has {cores} cores.");
        }
    }

    private static async Task<string> WriteMarkdownAsync(StackLayout layout, List<Result> results, string[] scenarios, int duration, int connections, int cores, CancellationToken cancellationToken)
    {
        var markdown = new StringBuilder();
        var now = DateTime.UtcNow;
        markdown.AppendLine(CultureInfo.InvariantCulture, $"# API benchmark, {now:yyyy-MM-dd HH:mm} UTC");
        markdown.AppendLine();
        markdown.AppendLine(CultureInfo.InvariantCulture, $"Command: `./vitrine bench {string.Join(' ', scenarios)} --duration {duration} --connections {connections}`");
        markdown.AppendLine();
        markdown.AppendLine(CultureInfo.InvariantCulture, $"One API replica (Release, Production settings, every middleware on) pinned to core 0; wrk (1 thread, {connections} connections) pinned to core {cores - 1}; {cores} cores, {Environment.OSVersion}, .NET {Environment.Version}.");
        markdown.AppendLine();
        markdown.AppendLine("× bare: the ratio to bare Kestrel answering /health/live (bench/bare); × ceiling: to the API's own /health/live with every middleware on.");
        markdown.AppendLine();
        markdown.AppendLine("| scenario | variant | req/s | × bare | × ceiling | p50 ms | p95 ms | p99 ms | requests | errors | cache hits |");
        markdown.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            markdown.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Scenario} | {r.Variant} | {r.RequestsPerSecond:0} | {Ratio(r, results, "bare")} | {Ratio(r, results, "ceiling")} | {r.P50Ms:0.00} | {r.P95Ms:0.00} | {r.P99Ms:0.00} | {r.Requests} | {r.Errors} | {r.CacheHits} |");
        }

        var directory = Path.Combine(layout.RepositoryRoot, "bench", "results");
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, $"{now:yyyyMMdd-HHmmss}-api.md");
        await File.WriteAllTextAsync(file, markdown.ToString(), cancellationToken);
        return file;
    }

    /// <summary>A dedicated API replica for the benchmark, on a free port, pinned to core 0.</summary>
    private sealed class BenchApi : IAsyncDisposable
    {
        private readonly Process process;

        private BenchApi(Process process, string url)
        {
            this.process = process;
            Url = url;
        }

        public string Url { get; }

        public static async Task<BenchApi> StartAsync(StackModel stack, string generalStore, string database, CancellationToken cancellationToken)
        {
            var dll = Path.Combine(stack.Layout.RepositoryRoot, "artifacts", "bench", "bin", "Vitrine.Api", "release", "Vitrine.Api.dll");

            var port = FreePort();
            var url = $"http://127.0.0.1:{port}";
            var info = new ProcessStartInfo("taskset", ["-c", "0", "dotnet", dll, "--urls", url])
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };

            // The stack's own API environment (one replica's share of the rate limits), with the database path the
            // scenario compares: straight to the primary, through PgBouncer, or reading from the replica.
            var environment = stack.ApiEnvironment();
            environment["RateLimiting__ApiReplicas"] = "1";
            environment["RateLimiting__GeneralStore"] = generalStore;
            environment["ConnectionStrings__Postgres"] = database == "PgBouncer" ? stack.PgBouncer().ConnectionString : stack.Primary().ConnectionString;
            if (database != "Replica")
            {
                environment.Remove("ConnectionStrings__PostgresRead");
            }

            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }

            var process = Process.Start(info)!;
            // Production logging stays on; its output is drained, not kept.
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var api = new BenchApi(process, url);
            await api.WaitUntilOkAsync("/health/ready", "The benchmark API replica did not become ready.", cancellationToken);
            return api;
        }

        /// <summary>Bare Kestrel (bench/bare) on a free port, pinned to core 0 like the API replica.</summary>
        public static async Task<BenchApi> StartBareAsync(StackLayout layout, CancellationToken cancellationToken)
        {
            var dll = Path.Combine(layout.RepositoryRoot, "artifacts", "bench", "bin", "Vitrine.Bench.Bare", "release", "Vitrine.Bench.Bare.dll");
            var url = $"http://127.0.0.1:{FreePort()}";
            var process = Process.Start(new ProcessStartInfo("taskset", ["-c", "0", "dotnet", dll, url]) { UseShellExecute = false })!;
            var bare = new BenchApi(process, url);
            await bare.WaitUntilOkAsync("/health/live", "The bare Kestrel ceiling did not start.", cancellationToken);
            return bare;
        }

        /// <summary>Polls one of this process's own endpoints until it answers 2xx (at most 60 s, or until it exits).</summary>
        private async Task WaitUntilOkAsync(string path, string failure, CancellationToken cancellationToken)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!await IsOkAsync(Url + path, cancellationToken))
            {
                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException(failure);
                }

                await Task.Delay(250, cancellationToken);
            }
        }

        public async Task<string> CacheHitRatioAsync(CancellationToken cancellationToken)
        {
            using var http = new HttpClient();
            var metrics = await http.GetStringAsync(new Uri(Url + "/metrics"), cancellationToken);
            double Sum(string name) => metrics.Split('\n')
                .Where(line => line.StartsWith(name, StringComparison.Ordinal))
                .Sum(line => double.TryParse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0);
            var hits = Sum("vitrine_cache_hits_total");
            var misses = Sum("vitrine_cache_misses_total");
            return hits + misses > 0 ? (hits / (hits + misses)).ToString("P1", CultureInfo.InvariantCulture) : "n/a";
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        /// <summary>These processes are the benchmark's own, not the AppHost's: their health is probed directly.</summary>
        private static async Task<bool> IsOkAsync(string url, CancellationToken cancellationToken)
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            try
            {
                using var response = await http.GetAsync(new Uri(url), cancellationToken);
                return response.IsSuccessStatusCode;
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

        private static int FreePort()
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
