using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Commands;

/// <summary>
/// `vitrine bench web`: Lighthouse (npm lighthouse 12.8.2, pinned in bench/tools) with Debian's Chromium against the
/// home page, a search results page, a product page and the cart through the load balancer; reports FCP, LCP, TTI, TBT, CLS,
/// Speed Index and the JavaScript bytes transferred beside the seed's budgets, in bench/results/*-web.md.
/// </summary>
public static class WebBenchCommand
{
    private const string DefaultUrl = "https://localhost:8443";

    private static readonly string[] ChromeFlags =
        ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--ignore-certificate-errors"];

    /// <summary>The seed's frontend budgets.</summary>
    private static readonly Budget[] Budgets =
    [
        new("FCP", "first-contentful-paint", 1000, Milliseconds),
        new("LCP", "largest-contentful-paint", 2500, Milliseconds),
        new("TTI", "interactive", 3500, Milliseconds),
        new("TBT", "total-blocking-time", null, Milliseconds),
        new("CLS", "cumulative-layout-shift", 0.1, v => v.ToString("0.000", CultureInfo.InvariantCulture)),
        new("Speed Index", "speed-index", null, Milliseconds),
    ];

    private const double JavaScriptBudgetBytes = 200 * 1024;

    private sealed record Budget(string Name, string Audit, double? Limit, Func<double, string> Format);

    private sealed record PageResult(string Name, string Url, Dictionary<string, double?> Metrics, long JavaScriptBytes);

    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = $"Base URL of the storefront (default {DefaultUrl}, the load balancer; self-signed TLS is accepted)", DefaultValueFactory = _ => DefaultUrl };
        var mobile = new Option<bool>("--mobile") { Description = "Lighthouse's mobile preset (slow 4G, 4× CPU throttling) instead of desktop" };
        var command = new Command("web", "Lighthouse against home, search results, a product page and the cart: FCP, LCP, TTI, TBT, CLS, Speed Index, JS bytes vs the seed's budgets") { url, mobile };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(url)!, parse.GetValue(mobile), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string baseUrl, bool mobile, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(baseUrl.TrimEnd('/') + "/", UriKind.Absolute, out var root) || root.Scheme is not ("http" or "https"))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]--url must be an absolute http(s) URL[/], e.g. {DefaultUrl}.");
            return 2;
        }

        var layout = StackLayout.Discover();
        var chromium = new Prerequisite("Chromium (Lighthouse drives it)", "chromium", () => File.Exists("/usr/bin/chromium"));
        if (!await Prerequisites.EnsureAsync([Prerequisites.Node, Prerequisites.Npm, chromium], cancellationToken))
        {
            return 1;
        }

        var tools = Path.Combine(layout.RepositoryRoot, "bench", "tools");
        var lighthouse = Path.Combine(tools, "node_modules", "lighthouse", "cli", "index.js");
        if (!File.Exists(lighthouse))
        {
            AnsiConsole.MarkupLine("[bold]Installing Lighthouse[/] (npm ci in bench/tools)…");
            var npm = await Shell.RunAsync("npm", ["ci", "--no-audit", "--no-fund"], tools, cancellationToken: cancellationToken);
            if (!npm.Succeeded)
            {
                AnsiConsole.WriteLine(npm.Output);
                return 1;
            }
        }

        var productId = await FirstProductIdAsync(root, cancellationToken);
        if (productId is null)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]No storefront answers at {root}[/] (or its catalog is empty): start the stack with ./vitrine up, or pass --url.");
            return 1;
        }

        (string Name, Uri Url)[] pages =
        [
            ("home", root),
            ("search results", new Uri(root, "products?q=lamp")),
            ("product", new Uri(root, $"products/{productId}")),
            ("cart", new Uri(root, "cart")),
        ];
        var results = new List<PageResult>();
        foreach (var (name, url) in pages)
        {
            // Lighthouse now and then fails to record a trace ("NO_NAVSTART … run Lighthouse again"): one more try.
            PageResult? result = null;
            for (var attempt = 1; attempt <= 2 && result is null; attempt++)
            {
                result = await AnsiConsole.Status().StartAsync($"Lighthouse: {name} ({url})…", _ => RunLighthouseAsync(layout, lighthouse, name, url, mobile, cancellationToken));
            }

            if (result is null)
            {
                return 1;
            }

            results.Add(result);
        }

        Print(results);
        var file = await WriteMarkdownAsync(layout, results, root, mobile, cancellationToken);
        AnsiConsole.MarkupLineInterpolated($"Results written to {file}");
        return 0;
    }

    /// <summary>A product to measure: the first one the storefront's own search page links to.</summary>
    private static async Task<long?> FirstProductIdAsync(Uri root, CancellationToken cancellationToken)
    {
        using var handler = new HttpClientHandler();
        if (root.IsLoopback || root.Host == "localhost")
        {
            // The local stack's certificate is self-signed; only ever trusted for this machine's own address.
            handler.ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator;
        }

        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            var html = await http.GetStringAsync(new Uri(root, "products?q=lamp"), cancellationToken);
            var link = System.Text.RegularExpressions.Regex.Match(html, "href=\"/products/(\\d+)\"");
            return link.Success ? long.Parse(link.Groups[1].Value, CultureInfo.InvariantCulture) : null;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    private static async Task<PageResult?> RunLighthouseAsync(StackLayout layout, string lighthouse, string name, Uri url, bool mobile, CancellationToken cancellationToken)
    {
        var report = Path.Combine(Path.GetTempPath(), $"vitrine-lighthouse-{Guid.NewGuid():N}.json");
        try
        {
            string[] arguments =
            [
                lighthouse, url.ToString(), "--output=json", $"--output-path={report}", "--only-categories=performance", "--quiet",
                $"--chrome-flags={string.Join(' ', ChromeFlags)}", .. mobile ? Array.Empty<string>() : ["--preset=desktop"],
            ];
            var run = await Shell.RunAsync("node", arguments, layout.RepositoryRoot,
                new Dictionary<string, string> { ["CHROME_PATH"] = "/usr/bin/chromium" }, cancellationToken: cancellationToken);
            if (!run.Succeeded || !File.Exists(report))
            {
                AnsiConsole.WriteLine(run.Output);
                AnsiConsole.MarkupLineInterpolated($"[red]Lighthouse failed on {url}.[/]");
                return null;
            }

            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(report, cancellationToken));
            var audits = document.RootElement.GetProperty("audits");
            if (document.RootElement.TryGetProperty("runtimeError", out var error) && error.TryGetProperty("message", out var message))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]Lighthouse could not load {url}:[/] {message.GetString()}");
                return null;
            }

            var metrics = Budgets.ToDictionary(b => b.Name, b =>
                audits.TryGetProperty(b.Audit, out var audit) && audit.TryGetProperty("numericValue", out var value) && value.ValueKind == JsonValueKind.Number
                    ? value.GetDouble()
                    : (double?)null);

            // Bytes on the wire (compressed), as the seed's "JS < 200 KB" budget means them.
            var javaScript = audits.GetProperty("resource-summary").GetProperty("details").GetProperty("items").EnumerateArray()
                .Where(item => item.GetProperty("resourceType").GetString() == "script")
                .Sum(item => item.GetProperty("transferSize").GetInt64());
            return new PageResult(name, url.ToString(), metrics, javaScript);
        }
        finally
        {
            File.Delete(report);
        }
    }

    private static string Milliseconds(double value) => value.ToString("0", CultureInfo.InvariantCulture) + " ms";

    private static string Cell(Budget budget, double? value) =>
        value is not { } v ? "n/a" : budget.Limit is { } limit ? $"{budget.Format(v)} {(v < limit ? "✅" : "❌")}" : budget.Format(v);

    private static string JavaScriptCell(long bytes) =>
        $"{bytes / 1024.0:0.0} KB {(bytes < JavaScriptBudgetBytes ? "✅" : "❌")}";

    private static void Print(List<PageResult> results)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("page");
        foreach (var budget in Budgets)
        {
            table.AddColumn(budget.Name);
        }

        table.AddColumn("JS transferred");
        foreach (var result in results)
        {
            table.AddRow([result.Name, .. Budgets.Select(b => Markup.Escape(Cell(b, result.Metrics[b.Name]))), JavaScriptCell(result.JavaScriptBytes)]);
        }

        table.AddRow(["budget (seed)", .. Budgets.Select(b => b.Limit is { } l ? "< " + b.Format(l) : "—"), "< 200 KB"]);
        AnsiConsole.Write(table);
    }

    private static async Task<string> WriteMarkdownAsync(StackLayout layout, List<PageResult> results, Uri root, bool mobile, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var markdown = new StringBuilder();
        markdown.AppendLine(CultureInfo.InvariantCulture, $"# Web benchmark (Lighthouse), {now:yyyy-MM-dd HH:mm} UTC");
        markdown.AppendLine();
        markdown.AppendLine(CultureInfo.InvariantCulture, $"Command: `./vitrine bench web --url {root.ToString().TrimEnd('/')}{(mobile ? " --mobile" : "")}`");
        markdown.AppendLine();
        markdown.AppendLine(CultureInfo.InvariantCulture,
            $"Lighthouse 12.8.2, {(mobile ? "mobile preset (simulated slow 4G, 4× CPU slowdown)" : "desktop preset")}, Debian Chromium headless, performance category only; one run per page; {Environment.ProcessorCount} cores, {Environment.OSVersion}. JS is bytes transferred (compressed) for scripts.");
        markdown.AppendLine();
        markdown.AppendLine("| page | " + string.Join(" | ", Budgets.Select(b => b.Name)) + " | JS transferred |");
        markdown.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", Budgets.Length)) + "---:|");
        foreach (var result in results)
        {
            markdown.AppendLine(CultureInfo.InvariantCulture,
                $"| [{result.Name}]({result.Url}) | {string.Join(" | ", Budgets.Select(b => Cell(b, result.Metrics[b.Name])))} | {JavaScriptCell(result.JavaScriptBytes)} |");
        }

        markdown.AppendLine("| **budget (seed)** | " + string.Join(" | ", Budgets.Select(b => b.Limit is { } l ? "< " + b.Format(l) : "—")) + " | < 200 KB |");
        var directory = Path.Combine(layout.RepositoryRoot, "bench", "results");
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, $"{now:yyyyMMdd-HHmmss}-web.md");
        await File.WriteAllTextAsync(file, markdown.ToString(), cancellationToken);
        return file;
    }
}
