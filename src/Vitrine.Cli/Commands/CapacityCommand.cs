using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vitrine.Cli.Capacity;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Commands;

/// <summary>
/// `vitrine capacity`: replicas per tier at the HPA's 70 % CPU, PostgreSQL and Redis sizes, and the monthly cost on the
/// seed's three providers, from the newest committed bench results and deploy/capacity/prices.json — beside the seed's
/// own estimate. Writes capacity.md and capacity.svg into the output folder.
/// </summary>
public static class CapacityCommand
{
    public static Command Create()
    {
        var users = new Option<long>("--users") { Description = "Registered users", DefaultValueFactory = _ => 1_000_000 };
        var dau = new Option<double>("--dau") { Description = "Share of users active on a day (0-1)", DefaultValueFactory = _ => 0.3 };
        var requests = new Option<double>("--requests-per-user") { Description = "API requests an active user makes a day", DefaultValueFactory = _ => 40 };
        var peak = new Option<double>("--peak-factor") { Description = "Peak rate as a multiple of the day's average", DefaultValueFactory = _ => 8 };
        var products = new Option<long>("--products") { Description = "Products in the catalog (cache and database sizes)", DefaultValueFactory = _ => 100_000 };
        var output = new Option<string?>("--output") { Description = "Folder for capacity.md and capacity.svg (default .vitrine/capacity)" };
        var command = new Command("capacity", "Replicas, database and Redis sizes and monthly cost for an audience, from the measured throughput in bench/results")
        {
            users, dau, requests, peak, products, output,
        };
        command.SetAction(parse => Run(
            new Audience(parse.GetValue(users), parse.GetValue(dau), parse.GetValue(requests), parse.GetValue(peak), parse.GetValue(products)),
            parse.GetValue(output)));
        return command;
    }

    private static int Run(Audience audience, string? output)
    {
        if (audience.Users < 1 || audience.DailyActiveShare is <= 0 or > 1 || audience.RequestsPerUser <= 0 || audience.PeakFactor < 1 || audience.Products < 0)
        {
            AnsiConsole.MarkupLine("[red]--users ≥ 1, 0 < --dau ≤ 1, --requests-per-user > 0, --peak-factor ≥ 1, --products ≥ 0.[/]");
            return 2;
        }

        var layout = StackLayout.Discover();
        MeasuredThroughput measured;
        try
        {
            measured = MeasuredThroughput.Newest(Path.Combine(layout.RepositoryRoot, "bench", "results"), CapacityPlanner.MeasuredScenarios);
        }
        catch (InvalidOperationException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{e.Message}[/]");
            return 1;
        }

        var prices = Prices.Load(Path.Combine(layout.RepositoryRoot, "deploy", "capacity", "prices.json"));
        var plan = CapacityPlanner.Plan(audience, measured, prices);
        Print(plan, measured, prices);

        var folder = Path.GetFullPath(output ?? Path.Combine(layout.StateDirectory, "capacity"));
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "capacity.md"), CapacityReport.Markdown(plan, measured, prices));
        File.WriteAllText(Path.Combine(folder, "capacity.svg"), CapacityReport.Svg(plan));
        AnsiConsole.MarkupLineInterpolated($"Wrote [bold]{Path.Combine(folder, "capacity.md")}[/] and [bold]capacity.svg[/].");
        return 0;
    }

    private static string N(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);

    private static void Print(CapacityPlan plan, MeasuredThroughput measured, Prices prices)
    {
        var a = plan.Audience;
        AnsiConsole.MarkupLineInterpolated($"[bold]{N(a.Users)} users[/], {N(a.DailyActiveShare * 100)} % daily active × {N(a.RequestsPerUser)} requests, peak × {N(a.PeakFactor)}: {N(plan.AverageRequestsPerSecond, "N1")} req/s average, [bold]{N(plan.PeakRequestsPerSecond)} req/s peak[/]");
        AnsiConsole.MarkupLineInterpolated($"Per-core throughput from bench/results/{measured.File} ({measured.Command})");

        var tiers = new Table().AddColumns("tier", "per-core req/s", "peak req/s", "cores at 70 % CPU", "replicas", "seed");
        foreach (var tier in new[] { plan.Api, plan.Web })
        {
            var replicas = tier.Replicas > CapacityPlanner.MaxReplicas ? $"[red]{tier.Replicas}[/] (over the HPA's {CapacityPlanner.MaxReplicas})" : tier.Replicas.ToString(CultureInfo.InvariantCulture);
            tiers.AddRow(Markup.Escape($"{tier.Tier} ({tier.CoresPerReplica} CPU)"), N(tier.PerCoreRequestsPerSecond), N(tier.PeakRequestsPerSecond), N(tier.Cores, "N1"), replicas, tier.SeedReplicas.ToString(CultureInfo.InvariantCulture));
        }

        var s = plan.Stores;
        tiers.AddRow("PostgreSQL", "", N(s.DatabaseQueriesPerSecond) + " q/s", s.DatabaseVcpu.ToString(CultureInfo.InvariantCulture), Markup.Escape($"{N(s.DatabaseMemoryGb)} GB, {N(s.DatabaseStorageGb)} GB disk"), "4 GB");
        tiers.AddRow("Redis", "", "", "", Markup.Escape($"{N(s.RedisMemoryGb, "N1")} GB"), "2 GB");
        AnsiConsole.Write(tiers);

        var costs = new Table().AddColumns("provider", "monthly (ours)", "seed's estimate", "what");
        foreach (var cost in plan.Costs)
        {
            costs.AddRow(Markup.Escape(cost.Provider), $"${N(cost.MonthlyUsd)}", $"${N(cost.SeedMonthlyUsd)}", Markup.Escape(string.Join("; ", cost.Lines.Select(l => l.Spec))));
        }

        AnsiConsole.Write(costs);
        AnsiConsole.MarkupLineInterpolated($"Seed's estimate: {prices.SeedEstimate.ApiMachines} API + {prices.SeedEstimate.WebMachines} web machines, ${N(prices.SeedEstimate.LowUsd)}–{N(prices.SeedEstimate.HighUsd)}/month (prices as of {prices.AsOf}).");
    }
}
