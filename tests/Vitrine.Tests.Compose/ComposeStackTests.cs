using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace Vitrine.Tests.Compose;

/// <summary>
/// The seed's Compose deployment on a real Docker engine, as an operator meets it: through nginx's port published on
/// 127.0.0.1, and through docker/docker-compose with the assignments `vitrine compose env` prints.
/// </summary>
public sealed class ComposeStackTests(ComposeFixture stack, ITestOutputHelper output) : IClassFixture<ComposeFixture>
{
    [Step]
    public async Task ServesHealthTheCatalogSignInAndAnOrderThroughNginx()
    {
        output.WriteLine($"compose up took {stack.UpTime.TotalSeconds:0} s");
        (await stack.Client.GetAsync("health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var home = await stack.Client.GetAsync("");
        home.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await home.Content.ReadAsStringAsync()).ShouldContain("<html", Case.Insensitive);

        var catalog = await stack.Client.GetFromJsonAsync<JsonElement>("api/v1/products?page=1&pageSize=20");
        var product = catalog.GetProperty("items").EnumerateArray().First(item => item.GetProperty("stock").GetInt32() > 0);

        var email = $"compose-{Guid.NewGuid():N}@example.com";
        const string password = "Compose-test-password-1";
        (await stack.Client.PostAsJsonAsync("api/v1/auth/register", new { email, password, name = "Compose Shopper" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var token = await SignInAsync(email, password);

        using var order = new HttpRequestMessage(HttpMethod.Post, "api/v1/orders")
        {
            Content = JsonContent.Create(new { items = new[] { new { productId = product.GetProperty("id").GetInt64(), quantity = 1 } } }),
        };
        order.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        order.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var placed = await stack.Client.SendAsync(order);
        placed.StatusCode.ShouldBe(HttpStatusCode.Created, await placed.Content.ReadAsStringAsync());

        // The migration job made the admin account from the generated Docker secret.
        var admin = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(stack.RepositoryRoot, ".vitrine", "compose", stack.Project, "secrets", "admin.json"))).RootElement;
        await SignInAsync(admin.GetProperty("email").GetString()!, admin.GetProperty("password").GetString()!);
    }

    [Step]
    public async Task StoresAnUploadedProductImageInItsVolumeAndServesItThroughNginx()
    {
        var admin = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(stack.RepositoryRoot, ".vitrine", "compose", stack.Project, "secrets", "admin.json"))).RootElement;
        var token = await SignInAsync(admin.GetProperty("email").GetString()!, admin.GetProperty("password").GetString()!);
        var catalog = await stack.Client.GetFromJsonAsync<JsonElement>("api/v1/products?page=1&pageSize=1");
        var productId = catalog.GetProperty("items")[0].GetProperty("id").GetInt64();

        // A valid 1x1 PNG: the API decodes and re-encodes it, then writes it into the images volume (owned by the
        // API's uid 1001, as the image's own directory is).
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "dot.png");
        using var upload = new HttpRequestMessage(HttpMethod.Post, $"api/v1/products/{productId}/image") { Content = form };
        upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var uploaded = await stack.Client.SendAsync(upload);
        uploaded.StatusCode.ShouldBe(HttpStatusCode.OK, await uploaded.Content.ReadAsStringAsync());
        var imageUrl = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imageUrl").GetString();
        imageUrl.ShouldNotBeNullOrEmpty();

        var image = await stack.Client.GetAsync(imageUrl.TrimStart('/') + "?w=160");
        image.StatusCode.ShouldBe(HttpStatusCode.OK, await image.Content.ReadAsStringAsync());
        image.Content.Headers.ContentType!.MediaType!.ShouldStartWith("image/");
        (await image.Content.ReadAsByteArrayAsync()).Length.ShouldBeGreaterThan(0);
    }

    [Step]
    public async Task ReportsEveryContainerWithAHealthCheckHealthyExportersIncluded()
    {
        var containers = await stack.ContainersAsync();
        var exporters = 0;
        foreach (var container in containers)
        {
            var inspect = await stack.InspectAsync(container);
            var name = inspect.GetProperty("Name").GetString()!;
            if (name.Contains("migrate", StringComparison.Ordinal))
            {
                continue; // the one-shot job: it has exited (successfully: the API depends on that)
            }

            inspect.GetProperty("Config").TryGetProperty("Healthcheck", out var check).ShouldBeTrue($"{name} has no health check");
            check.GetProperty("Test").EnumerateArray().Count().ShouldBeGreaterThan(1, $"{name} has no health check");
            await WaitUntilAsync(
                async () => (await stack.InspectAsync(container)).GetProperty("State").GetProperty("Health").GetProperty("Status").GetString() == "healthy",
                TimeSpan.FromMinutes(1), () => $"{name} is not healthy");
            exporters += name.Contains("exporter", StringComparison.Ordinal) ? 1 : 0;
        }

        exporters.ShouldBe(5);
    }

    [Step]
    public async Task ArchivesThePrimarysWalAndKeepsAFullBackupInItsRepository()
    {
        var backup = (await stack.ContainersAsync("backup")).Single();

        // check forces a WAL switch and waits until the primary's archive_command has put that segment in the repository.
        var (exit, said) = await stack.DockerAsync("exec", backup, "pgbackrest", "check");
        exit.ShouldBe(0, said);
        (exit, said) = await stack.DockerAsync("exec", backup, "pgbackrest", "--output=json", "info");
        exit.ShouldBe(0, said);
        var stanza = JsonDocument.Parse(said).RootElement.EnumerateArray().Single();
        stanza.GetProperty("name").GetString().ShouldBe("vitrine");
        stanza.GetProperty("status").GetProperty("code").GetInt32().ShouldBe(0, said);
        stanza.GetProperty("backup").EnumerateArray().Select(set => set.GetProperty("type").GetString()).ShouldContain("full");
    }

    [Step]
    public async Task DeliversAnAlertThroughAlertmanagerToTheWebsReceiver()
    {
        // Prometheus found its Alertmanager, and an alert given to Alertmanager reaches the Web's receiver through
        // nginx's internal listener with the generated token (a refused delivery counts as a failed notification).
        var prometheus = (await stack.ContainersAsync("prometheus")).Single();
        var (exit, said) = await stack.DockerAsync("exec", prometheus, "promtool", "query", "instant", "http://127.0.0.1:9090", "prometheus_notifications_alertmanagers_discovered");
        exit.ShouldBe(0, said);
        said.ShouldContain("=> 1 @");

        var alertmanager = (await stack.ContainersAsync("alertmanager")).Single();
        (exit, said) = await stack.DockerAsync("exec", alertmanager, "amtool", "--alertmanager.url=http://127.0.0.1:9093", "alert", "add",
            "ComposeDeliveryCheck", "severity=page", "job=compose-test", "--annotation=summary=The Compose suite checks delivery");
        exit.ShouldBe(0, said);
        // Other alerts may be firing and delivered too, so the proof is the Web's store (the durable Redis) holding this one.
        var redis = (await stack.ContainersAsync("redis-durable")).Single();
        var stored = "";
        await WaitUntilAsync(async () =>
        {
            (_, stored) = await stack.DockerAsync("exec", redis, "bash", "-c",
                "redis-cli --no-auth-warning -a \"$(awk '/^requirepass/ {print $2}' /run/secrets/redis-durable.conf)\" HGETALL vitrine:web:ops:alerts");
            return stored.Contains("ComposeDeliveryCheck", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(90), () => stored);
        var (_, metrics) = await stack.DockerAsync("exec", alertmanager, "bash", "-c",
            "exec 3<>/dev/tcp/127.0.0.1/9093 && printf 'GET /metrics HTTP/1.0\\r\\n\\r\\n' >&3 && grep '^alertmanager_notifications_' <&3");
        metrics.ShouldContain("alertmanager_notifications_failed_total{integration=\"webhook\"} 0");
    }

    [Step]
    public async Task RunsEveryContainerAsNonRootReadOnlyWithoutCapabilitiesAndWithLimits()
    {
        await stack.WaitForHealthyAsync("api", ComposeFixture.ApiReplicas, TimeSpan.FromMinutes(1));
        await stack.WaitForHealthyAsync("web", ComposeFixture.WebReplicas, TimeSpan.FromMinutes(1));
        var containers = await stack.ContainersAsync();
        containers.Count.ShouldBeGreaterThanOrEqualTo(ComposeFixture.ApiReplicas + ComposeFixture.WebReplicas + 10);
        foreach (var container in containers)
        {
            var inspect = await stack.InspectAsync(container);
            var name = inspect.GetProperty("Name").GetString();
            var user = inspect.GetProperty("Config").GetProperty("User").GetString();
            user.ShouldNotBeNullOrEmpty($"{name} has no user");
            user.ShouldNotBeOneOf(["root", "0", "0:0"], $"{name} runs as root");
            var host = inspect.GetProperty("HostConfig");
            host.GetProperty("ReadonlyRootfs").GetBoolean().ShouldBeTrue($"{name} has a writable root filesystem");
            host.GetProperty("Memory").GetInt64().ShouldBeGreaterThan(0, $"{name} has no memory limit");
            host.GetProperty("CapDrop").EnumerateArray().Select(cap => cap.GetString()).ShouldContain("ALL", $"{name} keeps capabilities");

            // And what the kernel says: no process of the container runs as uid 0.
            var (exit, top) = await stack.DockerAsync("top", container, "-eo", "pid,uid,comm");
            exit.ShouldBe(0, top);
            foreach (var line in top.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            {
                line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1].ShouldNotBe("0", $"{name}: {line}");
            }
        }
    }

    [Step]
    public async Task KeepsPostgresUnreachableFromTheWebReplicasNetworks()
    {
        var database = $"{stack.Project}_database";
        var postgres = await stack.InspectAsync((await stack.ContainersAsync("postgres")).Single());
        var postgresNetworks = postgres.GetProperty("NetworkSettings").GetProperty("Networks");
        postgresNetworks.EnumerateObject().Select(network => network.Name).ShouldBe([database]);
        var address = postgresNetworks.GetProperty(database).GetProperty("IPAddress").GetString()!;
        var (_, networkJson) = await stack.DockerAsync("network", "inspect", database);
        JsonDocument.Parse(networkJson).RootElement[0].GetProperty("Internal").GetBoolean().ShouldBeTrue();

        var web = await stack.InspectAsync((await stack.ContainersAsync("web"))[0]);
        var webNetworks = web.GetProperty("NetworkSettings").GetProperty("Networks").EnumerateObject().Select(network => network.Name).ToList();
        webNetworks.ShouldNotContain(database);

        // Tried for real: from each of the Web's networks PostgreSQL neither resolves nor answers at its address;
        // from the database network (the control) it does.
        foreach (var network in webNetworks)
        {
            (await PgIsReadyAsync(network, address)).ShouldNotBe(0, $"PostgreSQL answered at {address} from {network}");
            (await PgIsReadyAsync(network, "postgres")).ShouldNotBe(0, $"PostgreSQL answered by name from {network}");
        }

        (await PgIsReadyAsync(database, "postgres")).ShouldBe(0);
    }

    [Step]
    public async Task ScalesTheApiFromThreeToFiveAndBackUnderAStreamOfRequestsWithoutAFailure()
    {
        await using var load = new ReadinessTraffic(stack.Client);
        await ReadinessTraffic.RunForAsync(TimeSpan.FromSeconds(3));

        await ScaleApiAsync(5);
        await stack.WaitForHealthyAsync("api", 5, TimeSpan.FromMinutes(4));
        // nginx picks the new replicas up from Docker's DNS: every one of the five serves a share of the stream
        // (nginx's access log, on its container's output, names the replica that answered each request).
        var addresses = await ApiAddressesAsync();
        addresses.Count.ShouldBe(5);
        var since = DateTime.UtcNow;
        var served = new HashSet<string>();
        await WaitUntilAsync(async () =>
        {
            served.UnionWith(await UpstreamsSinceAsync(since));
            return addresses.All(served.Contains);
        }, TimeSpan.FromSeconds(60), () => $"served by {string.Join(", ", served)}; replicas {string.Join(", ", addresses)}");

        await ScaleApiAsync(ComposeFixture.ApiReplicas);
        await stack.WaitForHealthyAsync("api", ComposeFixture.ApiReplicas, TimeSpan.FromMinutes(2));
        await ReadinessTraffic.RunForAsync(TimeSpan.FromSeconds(5));

        var result = await load.StopAsync();
        output.WriteLine($"{result.Succeeded} requests succeeded, {result.Failures.Count} failed");
        result.Failures.ShouldBeEmpty();
        result.Succeeded.ShouldBeGreaterThan(100);
    }

    [Step]
    public async Task RoutesAroundAKilledApiContainer()
    {
        await using var load = new ReadinessTraffic(stack.Client);
        await ReadinessTraffic.RunForAsync(TimeSpan.FromSeconds(2));
        var victim = (await stack.ContainersAsync("api"))[0];
        var (exit, killed) = await stack.DockerAsync("kill", victim);
        exit.ShouldBe(0, killed);
        await ReadinessTraffic.RunForAsync(TimeSpan.FromSeconds(15));

        var result = await load.StopAsync();
        output.WriteLine($"{result.Succeeded} requests succeeded, {result.Failures.Count} failed");
        result.Failures.ShouldBeEmpty();
        result.Succeeded.ShouldBeGreaterThan(50);
    }

    [Step]
    public async Task ComposeDownLeavesNothingRunning()
    {
        var (exit, down) = await stack.VitrineAsync(TimeSpan.FromMinutes(5), "compose", "down", "--purge");
        stack.IsDown = true;
        exit.ShouldBe(0, down);
        var (_, remaining) = await stack.DockerAsync("ps", "-aq", "--filter", $"label=com.docker.compose.project={stack.Project}");
        // Either the engine is gone (vitrine started it and nothing else ran in it), or none of ours is left in it.
        remaining.Trim().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => !line.Contains("Cannot connect", StringComparison.Ordinal)).ShouldBeEmpty();
        await Should.ThrowAsync<HttpRequestException>(() => stack.Client.GetAsync("health/live"));
    }

    private async Task<string> SignInAsync(string email, string password)
    {
        var login = await stack.Client.PostAsJsonAsync("api/v1/auth/login", new { email, password });
        login.StatusCode.ShouldBe(HttpStatusCode.OK, await login.Content.ReadAsStringAsync());
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private async Task ScaleApiAsync(int replicas)
    {
        var clock = Stopwatch.StartNew();
        // Only the API service (--no-deps): docker-compose 1.29 would otherwise re-check every dependency of nginx and
        // fail the command when any health check of theirs misses once under load (seen on CI: "nginx ... is unhealthy").
        var (exit, scaled) = await stack.ComposeAsync("up", "-d", "--no-recreate", "--no-deps", "--scale", $"api={replicas}", "api");
        exit.ShouldBe(0, scaled);
        output.WriteLine($"docker-compose up --scale api={replicas}: {clock.Elapsed.TotalSeconds:0} s");
    }

    /// <summary>The API replicas' addresses on the frontend network, where nginx reaches them.</summary>
    private async Task<List<string>> ApiAddressesAsync()
    {
        var addresses = new List<string>();
        foreach (var container in await stack.ContainersAsync("api"))
        {
            var networks = (await stack.InspectAsync(container)).GetProperty("NetworkSettings").GetProperty("Networks");
            addresses.Add(networks.GetProperty($"{stack.Project}_frontend").GetProperty("IPAddress").GetString()! + ":8080");
        }

        return addresses;
    }

    /// <summary>pg_isready from a throwaway container on one network (the PostgreSQL image, read-only, no capabilities).</summary>
    private async Task<int> PgIsReadyAsync(string network, string host)
    {
        var (exit, said) = await stack.DockerAsync("run", "--rm", "--network", network, "--read-only", "--cap-drop", "ALL", "--user", "postgres",
            "--entrypoint", "pg_isready", "vitrine/postgres:latest", "-h", host, "-p", "5432", "-t", "3");
        output.WriteLine($"pg_isready -h {host} from {network}: {exit} {said.Trim()}");
        return exit;
    }

    /// <summary>The upstream addresses in nginx's access log since a moment (JSON lines on its container's output).</summary>
    private async Task<IEnumerable<string>> UpstreamsSinceAsync(DateTime since)
    {
        var nginx = (await stack.ContainersAsync("nginx")).Single();
        var (_, log) = await stack.DockerAsync("logs", "--since", since.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture), nginx);
        return log.Split('\n')
            .Where(line => line.StartsWith('{') && line.Contains("\"upstream\"", StringComparison.Ordinal))
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("upstream").GetString() ?? "")
            .SelectMany(upstream => upstream.Split([',', ' ', ':'], StringSplitOptions.RemoveEmptyEntries).Chunk(2).Where(pair => pair.Length == 2).Select(pair => $"{pair[0]}:{pair[1]}"))
            .ToList();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> explain)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(explain());
            }

            await Task.Delay(1000);
        }
    }
}

/// <summary>
/// A steady stream of GETs through nginx (two at a time) to an API route nginx never caches (the API's readiness),
/// recording every failure.
/// </summary>
public sealed class ReadinessTraffic : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Task[] workers;
    private int succeeded;

    public ReadinessTraffic(HttpClient client)
    {
        workers = Enumerable.Range(0, 2).Select(_ => Task.Run(() => RunAsync(client))).ToArray();
    }

    public ConcurrentQueue<string> Failures { get; } = new();

    public static Task RunForAsync(TimeSpan duration) => Task.Delay(duration);

    public async Task<(int Succeeded, IReadOnlyCollection<string> Failures)> StopAsync()
    {
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        return (succeeded, Failures.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        if (!stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        stop.Dispose();
    }

    private async Task RunAsync(HttpClient client)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await client.GetAsync("health/ready", CancellationToken.None);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref succeeded);
                }
                else
                {
                    Failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {(int)response.StatusCode}");
                }
            }
            catch (HttpRequestException exception)
            {
                Failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {exception.Message}");
            }
            catch (TaskCanceledException exception)
            {
                Failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} timeout: {exception.Message}");
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }
}
