using System.CommandLine;
using System.Globalization;
using System.Xml.Linq;
using Spectre.Console;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Commands;

/// <summary>
/// `vitrine test`: installs prerequisites, builds once, checks formatting, runs every test project against real
/// services (the fixtures start their own PostgreSQL and Redis), and ends with the plain line `N passed, N failed`.
/// </summary>
public static class TestCommand
{
    /// <summary>The browser tests drive Debian's Chromium through Playwright (no `playwright install`: no downloads).</summary>
    public static readonly Prerequisite Chromium = new("Chromium (the browser tests drive it)", "chromium", () => File.Exists("/usr/bin/chromium"));

    /// <summary>The deploy tests render deploy/k8s with `kubectl kustomize` (Debian's kubernetes-client, kubectl 1.20).</summary>
    public static readonly Prerequisite Kubectl = new("kubectl (the deploy tests render deploy/k8s with kubectl kustomize)", "kubernetes-client", () => Prerequisites.OnPath("kubectl"));

    /// <summary>The stack's edge tests offer nginx each TLS version with `openssl s_client`.</summary>
    public static readonly Prerequisite OpenSsl = new("openssl (the edge tests try each TLS version with s_client)", "openssl", () => Prerequisites.OnPath("openssl"));

    /// <summary>The npm packages of tests/tools whose absence means `npm ci` must run there.</summary>
    private static readonly string[] TestToolPackages = ["s3rver", "axe-core", "@redocly/cli", "@stoplight/spectral-cli"];

    public static Command Create()
    {
        var filter = new Option<string?>("--filter") { Description = "Run only the tests matching this dotnet test filter expression" };
        var command = new Command("test", "Install what is missing and run every test suite against real services") { filter };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(filter), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string? filter, CancellationToken cancellationToken)
    {
        var layout = StackLayout.Discover();
        if (!await Prerequisites.EnsureAsync([.. Prerequisites.Stack, Prerequisites.Node, Prerequisites.Npm, Prerequisites.Python, Chromium, Kubectl, OpenSsl, .. Containers.DockerEngine.Requirements], cancellationToken))
        {
            Console.WriteLine("0 passed, 1 failed");
            return 1;
        }

        // Test peers that Debian does not package (s3rver, an S3-compatible server; axe-core, the browser tests'
        // accessibility engine; Redocly CLI and Spectral, the OpenAPI document's linters), pinned by
        // tests/tools/package-lock.json. No install scripts: none is needed, and the one there (@scarf/scarf, under
        // Redocly) only reports the download.
        var tools = Path.Combine(layout.RepositoryRoot, "tests", "tools");
        if (TestToolPackages.Any(package => !Directory.Exists(Path.Combine(tools, "node_modules", package))))
        {
            AnsiConsole.MarkupLine("[bold]Installing test tools[/] (npm ci in tests/tools)…");
            var npm = await Shell.RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], tools, cancellationToken: cancellationToken);
            if (!npm.Succeeded)
            {
                Console.WriteLine(npm.Output);
                Console.WriteLine("0 passed, 1 failed");
                return 1;
            }
        }

        var failedChecks = 0;
        var solution = Path.Combine(layout.RepositoryRoot, "Vitrine.slnx");

        // Tests build into their own artifacts folder, so a test run never overwrites the binaries of a running stack.
        var artifacts = Path.Combine(layout.RepositoryRoot, "artifacts", "test");

        AnsiConsole.MarkupLine("[bold]Building[/] (Release, warnings as errors)…");
        var build = await Shell.RunAsync("dotnet", ["build", solution, "-c", "Release", "--artifacts-path", artifacts, "--nologo", "-v", "q", "-clp:NoSummary"], layout.RepositoryRoot, onLine: Console.WriteLine, cancellationToken: cancellationToken);
        if (!build.Succeeded)
        {
            AnsiConsole.MarkupLine("[red]Build failed.[/]");
            Console.WriteLine("0 passed, 1 failed");
            return 1;
        }

        AnsiConsole.MarkupLine("[bold]Checking formatting[/] (dotnet format --verify-no-changes)…");
        var format = await Shell.RunAsync("dotnet", ["format", solution, "--verify-no-changes", "-v", "q"], layout.RepositoryRoot, onLine: Console.WriteLine, cancellationToken: cancellationToken);
        if (!format.Succeeded)
        {
            AnsiConsole.MarkupLine("[red]Formatting check failed:[/] run `dotnet format Vitrine.slnx`.");
            failedChecks++;
        }

        var results = Path.Combine(layout.StateDirectory, "test-results", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(results);
        AnsiConsole.MarkupLine("[bold]Running tests[/] against real PostgreSQL and Redis…");
        string[] arguments = ["test", solution, "-c", "Release", "--artifacts-path", artifacts, "--no-build", "--nologo", "--logger", "trx", "--logger", "console;verbosity=normal", "--results-directory", results];
        if (!string.IsNullOrWhiteSpace(filter))
        {
            arguments = [.. arguments, "--filter", filter];
        }

        // The fixtures write a pid file for every process they start into the run directory; what is still alive there
        // after the run was left behind (a crashed test host, a fixture that does not stop its server): a failure.
        var runDirectory = Path.Combine(results, "processes");
        var test = await Shell.RunAsync("dotnet", arguments, layout.RepositoryRoot,
            new Dictionary<string, string> { [TestRunLeftovers.RunDirectoryVariable] = runDirectory }, onLine: Console.WriteLine, cancellationToken: cancellationToken);
        var leftovers = await TestRunLeftovers.StopAsync(runDirectory, layout.RepositoryRoot, cancellationToken);
        foreach (var leftover in leftovers)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]Left running by the tests[/] (stopped now): {leftover}");
        }

        var (passed, failed, skipped) = CountResults(results);
        if (!test.Succeeded && failed == 0)
        {
            // The runner failed without a failed test to show for it (a crashed test host, say): that is a failure too.
            failed++;
        }

        failed += failedChecks + leftovers.Count;
        Console.WriteLine(skipped > 0
            ? $"{passed} passed, {failed} failed, {skipped} skipped"
            : $"{passed} passed, {failed} failed");
        return failed == 0 && passed > 0 ? 0 : 1;
    }

    private static (int Passed, int Failed, int Skipped) CountResults(string directory)
    {
        int passed = 0, failed = 0, total = 0, executed = 0;
        foreach (var file in Directory.EnumerateFiles(directory, "*.trx", SearchOption.AllDirectories))
        {
            var counters = XDocument.Load(file).Descendants().FirstOrDefault(e => e.Name.LocalName == "Counters");
            if (counters is null)
            {
                continue;
            }

            int Read(string name) => int.TryParse(counters.Attribute(name)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
            passed += Read("passed");
            failed += Read("failed") + Read("error") + Read("timeout") + Read("aborted");
            total += Read("total");
            executed += Read("executed");
        }

        return (passed, failed, Math.Max(0, total - executed));
    }
}
