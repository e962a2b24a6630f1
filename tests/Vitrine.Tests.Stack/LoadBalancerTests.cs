using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Playwright;
using Npgsql;

namespace Vitrine.Tests.Stack;

/// <summary>One stack of two API and two Web replicas behind nginx, shared by the load-balancer and storefront tests.</summary>
public sealed class BalancedTopology : IAsyncLifetime
{
    public const string Collection = "balanced stack";

    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    public VitrineCli Cli { get; } = new();

    public List<StackComponent> Components { get; private set; } = [];

    public string Site => $"https://localhost:{Cli.Port(StackPorts.Https)}";

    public async Task InitializeAsync()
    {
        var (exit, output) = await Cli.RunAsync("up", "--api", "2", "--web", "2", "--timeout", "300");
        exit.ShouldBe(0, output);
        Components = await Cli.StatusAsync();
    }

    public async Task DisposeAsync() => await Cli.RunAsync("down", "--purge");

    /// <summary>nginx's access log (written with a one-second buffer) names each replica of the kind as an upstream.</summary>
    public async Task WaitForAccessLogToNameEveryReplicaAsync(string kind)
    {
        var log = Path.Combine(Cli.StateDirectory, "logs", "nginx-access.log");
        var upstreams = Components.Where(c => c.Kind == kind).Select(c => $"\"upstream\":\"{new Uri(c.Url).Authority}\"").ToList();
        await LoadBalancerTests.WaitUntilAsync(async () =>
        {
            var text = await File.ReadAllTextAsync(log);
            return upstreams.All(upstream => text.Contains(upstream, StringComparison.Ordinal));
        });
    }

    /// <summary>Debian's Chromium on a fresh profile, pointed at the public load balancer.</summary>
    public async Task<IBrowserContext> LaunchBrowserAsync(IPlaywright playwright, bool javaScript = true)
    {
        var profile = Directory.CreateTempSubdirectory("vitrine-stack-chromium-").FullName;
        var context = await playwright.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
            JavaScriptEnabled = javaScript,
            BaseURL = Site,
            IgnoreHTTPSErrors = true, // the stack's self-signed certificate
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        return context;
    }

    /// <summary>A client of the public load balancer: HTTP/2 over TLS, trusting exactly the stack's self-signed certificate.</summary>
    public PublicHttpClient PublicClient(bool http2 = true, CookieContainer? cookies = null)
    {
        using var expected = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(Cli.StateDirectory, "tls", "cert.pem")));
        var thumbprint = expected.GetCertHashString(HashAlgorithmName.SHA256);
        return new PublicHttpClient(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString(HashAlgorithmName.SHA256) == thumbprint },
            AllowAutoRedirect = false,
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new CookieContainer(),
        }, cookies)
        {
            BaseAddress = new Uri(Site),
            DefaultRequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }
}

[CollectionDefinition(BalancedTopology.Collection)]
public sealed class BalancedTopologyGroup : ICollectionFixture<BalancedTopology>;

/// <summary>An HttpClient of the public load balancer, with its cookies when it keeps them.</summary>
public sealed class PublicHttpClient(HttpMessageHandler handler, CookieContainer? cookies) : HttpClient(handler)
{
    public CookieContainer? Cookies { get; } = cookies;
}

/// <summary>The seed's topology end to end: nginx in front, replicas interchangeable, PgBouncer, the read replica.</summary>
[Collection(BalancedTopology.Collection)]
public sealed class LoadBalancerTests(BalancedTopology stack)
{
    [Fact]
    public void Status_lists_every_component_healthy()
    {
        stack.Components.ShouldAllBe(component => component.Healthy, JsonSerializer.Serialize(stack.Components));
        stack.Components.Count(c => c.Kind == "api").ShouldBe(2);
        stack.Components.Count(c => c.Kind == "web").ShouldBe(2);
        stack.Components.Single(c => c.Kind == "lb").Url.ShouldBe(stack.Site);
        stack.Components.Single(c => c.Kind == "pgbouncer").Url.ShouldStartWith("postgresql://");
        stack.Components.Single(c => c.Kind == "postgres-replica").Url.ShouldStartWith("postgresql://");
        stack.Components.Single(c => c.Kind == "node-exporter").Url.ShouldStartWith("http://127.0.0.1:");
    }

    [Fact]
    public async Task Every_database_and_redis_url_status_prints_is_accepted_by_psql_and_redis_cli()
    {
        // CONTRACT §1: a database's url is one psql accepts, a Redis url one redis-cli -u accepts (with its password).
        var databases = stack.Components.Where(c => c.Kind is "postgres" or "postgres-replica" or "pgbouncer").ToList();
        var redis = stack.Components.Where(c => c.Kind is "redis-cache" or "redis-durable").ToList();
        databases.Count.ShouldBe(3);
        redis.Count.ShouldBe(2);
        foreach (var database in databases)
        {
            var (exit, output) = await VitrineCli.RunProgramAsync("psql", [database.Url, "-qtAc", "SELECT current_user || '@' || current_database()"]);
            exit.ShouldBe(0, $"{database.Name}: {output}");
            output.Trim().ShouldBe("vitrine@vitrine", database.Name);
        }

        foreach (var server in redis)
        {
            var (exit, output) = await VitrineCli.RunProgramAsync("redis-cli", ["--no-auth-warning", "-u", server.Url, "PING"]);
            exit.ShouldBe(0, $"{server.Name}: {output}");
            output.Trim().ShouldBe("PONG", server.Name);
        }

        // The durable Redis refuses a client without its password: the URL's password is what lets redis-cli in.
        var durable = new Uri(redis.Single(c => c.Kind == "redis-durable").Url);
        var (_, refused) = await VitrineCli.RunProgramAsync("redis-cli", ["-p", durable.Port.ToString(CultureInfo.InvariantCulture), "PING"]);
        refused.ShouldContain("NOAUTH");
    }

    [Fact]
    public async Task Nginx_serves_http2_over_tls_routes_by_path_and_redirects_plain_http()
    {
        using var http = stack.PublicClient();
        using var products = await http.GetAsync(new Uri("/api/v1/products?pageSize=3", UriKind.Relative));
        products.StatusCode.ShouldBe(HttpStatusCode.OK);
        products.Version.ShouldBe(HttpVersion.Version20);
        products.Headers.GetValues("Strict-Transport-Security").Single().ShouldContain("max-age=");
        products.Headers.Server.ToString().ShouldBe("nginx"); // server_tokens off: no version

        (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).ShouldContain("\"openapi\"");
        (await http.GetAsync(new Uri("/metrics", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var page = await http.GetAsync(new Uri("/", UriKind.Relative));
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");

        using var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var redirect = await plain.GetAsync(new Uri($"http://localhost:{stack.Cli.Port(StackPorts.Http)}/products?q=lamp"));
        redirect.StatusCode.ShouldBe(HttpStatusCode.MovedPermanently);
        redirect.Headers.Location.ShouldBe(new Uri($"{stack.Site}/products?q=lamp"));
    }

    [Fact]
    public async Task Anonymous_catalog_reads_are_cached_by_nginx_and_compressed()
    {
        using var http = stack.PublicClient();
        var uri = new Uri("/api/v1/categories?nginx-cache-probe=" + Guid.NewGuid().ToString("N"), UriKind.Relative);
        using var first = await http.GetAsync(uri);
        using var second = await http.GetAsync(uri);
        first.Headers.GetValues("X-Cache-Status").Single().ShouldBe("MISS");
        second.Headers.GetValues("X-Cache-Status").Single().ShouldBe("HIT");

        using var compressed = new HttpRequestMessage(HttpMethod.Get, new Uri("/openapi/v1.json", UriKind.Relative));
        compressed.Headers.AcceptEncoding.ParseAdd("br");
        using var brotli = await http.SendAsync(compressed);
        brotli.Content.Headers.ContentEncoding.ShouldContain("br");
    }

    [Fact]
    public async Task A_token_issued_through_one_replica_is_accepted_by_every_replica()
    {
        using var http = stack.PublicClient();
        var email = $"lb-{Guid.NewGuid():N}@example.com";
        (await http.PostAsJsonAsync(new Uri("/api/v1/auth/register", UriKind.Relative), new { email, password = "correct horse battery", name = "Balanced" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        using var login = await http.PostAsJsonAsync(new Uri("/api/v1/auth/login", UriKind.Relative), new { email, password = "correct horse battery" });
        login.StatusCode.ShouldBe(HttpStatusCode.OK);
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();

        foreach (var replica in stack.Components.Where(c => c.Kind == "api"))
        {
            using var direct = new HttpClient { BaseAddress = new Uri(replica.Url) };
            direct.DefaultRequestHeaders.Authorization = new("Bearer", token);
            using var me = await direct.GetAsync(new Uri("/api/v1/users/me", UriKind.Relative));
            me.StatusCode.ShouldBe(HttpStatusCode.OK, replica.Name);
        }

        // nginx spreads requests over both replicas (least_conn): its access log names each upstream.
        for (var i = 0; i < 20; i++)
        {
            (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).EnsureSuccessStatusCode();
        }

        await stack.WaitForAccessLogToNameEveryReplicaAsync("api");
    }

    [Fact]
    public async Task A_web_sign_in_through_nginx_is_honoured_by_every_web_replica()
    {
        using var api = stack.PublicClient();
        var email = $"web-{Guid.NewGuid():N}@example.com";
        (await api.PostAsJsonAsync(new Uri("/api/v1/auth/register", UriKind.Relative), new { email, password = "correct horse battery", name = "Shopper" }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);

        using var browser = stack.PublicClient(cookies: new CookieContainer());
        var form = await browser.GetStringAsync(new Uri("/login", UriKind.Relative));
        var fields = System.Text.RegularExpressions.Regex.Matches(form, "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")
            .ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["Input.Email"] = email;
        fields["Input.Password"] = "correct horse battery";
        using var signIn = await browser.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(fields));
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect, await signIn.Content.ReadAsStringAsync());

        // The session cookie (Data Protection keys in the durable Redis) opens the account on every Web replica.
        var cookies = string.Join("; ", browser.Cookies!.GetAllCookies().Select(c => $"{c.Name}={c.Value}"));
        foreach (var replica in stack.Components.Where(c => c.Kind == "web"))
        {
            using var direct = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(replica.Url) };
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/account/orders", UriKind.Relative));
            request.Headers.Add("Cookie", cookies);
            using var orders = await direct.SendAsync(request);
            orders.StatusCode.ShouldBe(HttpStatusCode.OK, replica.Name);
        }
    }

    [Fact]
    public async Task An_api_replica_killed_under_load_costs_no_idempotent_request_and_restart_brings_it_back()
    {
        var victim = stack.Components.Last(c => c.Kind == "api");
        var failures = new ConcurrentBag<string>();
        var served = 0;
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, 4).Select(async _ =>
        {
            using var http = stack.PublicClient();
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri("/health/live", UriKind.Relative));
                    if (response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref served);
                    }
                    else
                    {
                        failures.Add(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
                    }
                }
                catch (HttpRequestException exception)
                {
                    failures.Add(exception.Message);
                }
            }
        }).ToList();

        await WaitUntilAsync(() => Volatile.Read(ref served) > 50);
        System.Diagnostics.Process.GetProcessById(victim.Pid).Kill();
        var atKill = Volatile.Read(ref served);
        await WaitUntilAsync(() => Volatile.Read(ref served) > atKill + 300);
        await stop.CancelAsync();
        await Task.WhenAll(load);
        failures.ShouldBeEmpty();

        var (exit, output) = await stack.Cli.RunAsync("restart", victim.Name);
        exit.ShouldBe(0, output);
        var after = (await stack.Cli.StatusAsync()).Single(c => c.Name == victim.Name);
        after.Healthy.ShouldBeTrue();
        after.Pid.ShouldNotBe(victim.Pid);
        using var direct = new HttpClient { BaseAddress = new Uri(victim.Url) };
        (await direct.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_row_written_through_pgbouncer_to_the_primary_is_read_back_from_the_replica()
    {
        var marker = "replicated-" + Guid.NewGuid().ToString("N")[..12];
        await using (var primary = NpgsqlDataSource.Create(VitrineCli.ToNpgsql(stack.Components.Single(c => c.Kind == "pgbouncer").Url, throughPgBouncer: true)))
        {
            await using var insert = primary.CreateCommand($"INSERT INTO categories (slug, name) VALUES ('{marker}', 'Replicated')");
            (await insert.ExecuteNonQueryAsync()).ShouldBe(1);
        }

        await using var replica = NpgsqlDataSource.Create(VitrineCli.ToNpgsql(stack.Components.Single(c => c.Kind == "postgres-replica").Url));
        await using (var recovery = replica.CreateCommand("SELECT pg_is_in_recovery()"))
        {
            ((bool)(await recovery.ExecuteScalarAsync())!).ShouldBeTrue();
        }

        await WaitUntilAsync(async () =>
        {
            await using var read = replica.CreateCommand($"SELECT count(*) FROM categories WHERE slug = '{marker}'");
            return (long)(await read.ExecuteScalarAsync())! == 1;
        });

        await using var write = replica.CreateCommand("INSERT INTO categories (slug, name) VALUES ('never', 'Never')");
        (await Should.ThrowAsync<PostgresException>(() => write.ExecuteNonQueryAsync())).SqlState.ShouldBe("25006"); // read-only transaction
    }

    [Fact]
    public async Task Generated_nginx_and_prometheus_configurations_pass_their_own_checks()
    {
        var config = Path.Combine(stack.Cli.StateDirectory, "config");
        var (exit, output) = await VitrineCli.RunProgramAsync("nginx", ["-t", "-c", Path.Combine(config, "nginx.conf"), "-p", stack.Cli.StateDirectory,
            "-e", Path.Combine(stack.Cli.StateDirectory, "logs", "nginx-test.log")]);
        exit.ShouldBe(0, output);
        output.ShouldContain("test is successful");

        (exit, output) = await VitrineCli.RunProgramAsync("promtool", ["check", "config", Path.Combine(config, "prometheus.yml")]);
        exit.ShouldBe(0, output);
        output.ShouldContain("SUCCESS");

        (exit, output) = await VitrineCli.RunProgramAsync("promtool", ["test", "rules", Path.Combine(stack.Cli.RepositoryRoot, "deploy", "prometheus", "alerts.test.yml")]);
        exit.ShouldBe(0, output);
    }

    [Fact]
    public async Task Prometheus_scrapes_every_replica_and_exporter()
    {
        var prometheus = stack.Components.Single(c => c.Kind == "prometheus").Url;
        using var http = new HttpClient { BaseAddress = new Uri(prometheus) };
        var expected = new[] { "api", "web", "nginx", "postgres", "redis", "node", "prometheus" };
        await WaitUntilAsync(async () =>
        {
            var targets = (await http.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/targets", UriKind.Relative))).GetProperty("data").GetProperty("activeTargets");
            var up = targets.EnumerateArray().Where(t => t.GetProperty("health").GetString() == "up").Select(t => t.GetProperty("labels").GetProperty("job").GetString()).ToList();
            return targets.EnumerateArray().All(t => t.GetProperty("health").GetString() == "up") && expected.All(up.Contains);
        });

        var rules = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/rules", UriKind.Relative));
        rules.GetProperty("data").GetProperty("groups").GetArrayLength().ShouldBeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task Every_grafana_dashboard_query_returns_data_from_the_live_prometheus()
    {
        // No Grafana runs here: each panel's PromQL runs against the stack's Prometheus instead, and an error or an
        // empty result fails (issue 16). The same catalog page read twice from an API replica directly (nginx's cache
        // would answer the second), so the cache hit ratio has a hit to count.
        using var api = new HttpClient { BaseAddress = new Uri(stack.Components.First(c => c.Kind == "api").Url) };
        for (var read = 0; read < 2; read++)
        {
            (await api.GetAsync(new Uri("/api/v1/products?page=1&pageSize=5", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // The business dashboard needs a shopper's cart, checkout and order: StorefrontThroughNginxTests checks it
        // after its journey, so it is left out here.
        var dashboards = Directory.GetFiles(Path.Combine(stack.Cli.RepositoryRoot, "deploy", "grafana", "dashboards"), "*.json")
            .Where(file => Path.GetFileName(file) != BusinessDashboard).ToList();
        dashboards.Count.ShouldBeGreaterThanOrEqualTo(6);
        var queries = await EveryPanelReturnsDataAsync(stack, dashboards);
        queries.ShouldBeGreaterThan(40);
    }

    /// <summary>The dashboard that shows the seed's business metrics (orders, revenue, conversion, active users).</summary>
    internal const string BusinessDashboard = "business.json";

    /// <summary>
    /// Runs every panel query of the dashboards against the stack's Prometheus until each returns data (a rate needs two
    /// scrapes of a series that just appeared), failing on an error or on a query still empty after 90 s. Returns how
    /// many queries there were.
    /// </summary>
    internal static async Task<int> EveryPanelReturnsDataAsync(BalancedTopology stack, IReadOnlyList<string> dashboards)
    {
        var queries = dashboards.SelectMany(file => JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("panels").EnumerateArray()
                .SelectMany(panel => panel.GetProperty("targets").EnumerateArray()
                    .Select(target => (Where: $"{Path.GetFileName(file)} / {panel.GetProperty("title").GetString()}", Expr: target.GetProperty("expr").GetString()!))))
            .ToList();

        var prometheus = stack.Components.Single(c => c.Kind == "prometheus").Url;
        using var http = new HttpClient { BaseAddress = new Uri(prometheus) };
        var empty = queries.ToList();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (empty.Count > 0 && DateTime.UtcNow < deadline)
        {
            foreach (var query in empty.ToList())
            {
                using var response = await http.GetAsync(new Uri("/api/v1/query?query=" + Uri.EscapeDataString(query.Expr), UriKind.Relative));
                var body = await response.Content.ReadAsStringAsync();
                response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{query.Where}: {query.Expr}: {body}");
                if (JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("result").GetArrayLength() > 0)
                {
                    empty.Remove(query);
                }
            }

            if (empty.Count > 0)
            {
                await Task.Delay(2000);
            }
        }

        empty.ShouldBeEmpty("panels whose query returned nothing: " + string.Join("; ", empty.Select(q => $"{q.Where}: {q.Expr}")));
        return queries.Count;
    }

    [Fact]
    public async Task Logs_prints_a_component_log_and_refuses_an_unknown_one()
    {
        var (exit, output) = await stack.Cli.RunAsync("logs", "api-1", "-n", "5");
        exit.ShouldBe(0, output);
        output.ShouldNotBeEmpty();

        (exit, output) = await stack.Cli.RunAsync("logs", "no-such-component");
        exit.ShouldBe(2);
        output.ShouldContain("No log for no-such-component");
    }

    internal static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    /// <summary>Polls until the condition holds; a generous deadline only turns a hang into a failure.</summary>
    internal static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the condition did not hold within 90 s");
            await Task.Delay(200);
        }
    }
}
