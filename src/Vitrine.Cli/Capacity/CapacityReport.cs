using System.Globalization;
using System.Net;
using System.Text;

namespace Vitrine.Cli.Capacity;

/// <summary>The plan as a markdown table and an SVG bar chart (hand-written: two bars per provider need no library).</summary>
public static class CapacityReport
{
    private static string N(double value, string format = "N0") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Markdown(CapacityPlan plan, MeasuredThroughput measured, Prices prices)
    {
        var a = plan.Audience;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Capacity for {N(a.Users)} users");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Inputs: {N(a.DailyActiveShare * 100)} % daily active, {N(a.RequestsPerUser)} requests each, peak × {N(a.PeakFactor)}: {N(plan.AverageRequestsPerSecond, "N1")} req/s on average, **{N(plan.PeakRequestsPerSecond)} req/s at peak**.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Measured per-core throughput: `bench/results/{measured.File}` (`{measured.Command}`). Prices: {prices.Source}, as of {prices.AsOf}.");
        text.AppendLine();
        text.AppendLine("| tier | per-core req/s | peak req/s | cores at 70 % CPU | replicas | seed |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var tier in new[] { plan.Api, plan.Web })
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {tier.Tier} ({tier.CoresPerReplica} CPU each) | {N(tier.PerCoreRequestsPerSecond)} | {N(tier.PeakRequestsPerSecond)} | {N(tier.Cores, "N1")} | {tier.Replicas} | {tier.SeedReplicas} |");
        }

        var s = plan.Stores;
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"PostgreSQL: {N(s.DatabaseQueriesPerSecond)} queries/s at peak → {s.DatabaseVcpu} vCPU, {N(s.DatabaseMemoryGb)} GB memory, {N(s.DatabaseStorageGb)} GB storage. Redis: {N(s.RedisMemoryGb, "N1")} GB (cache + durable).");
        text.AppendLine();
        text.AppendLine("| provider | monthly (ours) | seed's estimate | lines |");
        text.AppendLine("|---|---:|---:|---|");
        foreach (var cost in plan.Costs)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {cost.Provider} | ${N(cost.MonthlyUsd)} | ${N(cost.SeedMonthlyUsd)} | {string.Join("; ", cost.Lines.Select(l => $"{l.Spec} ${N(l.Usd)}"))} |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"The seed's own estimate: {prices.SeedEstimate.ApiMachines} API + {prices.SeedEstimate.WebMachines} web machines, ${N(prices.SeedEstimate.LowUsd)}–{N(prices.SeedEstimate.HighUsd)}/month.");
        return text.ToString();
    }

    public static string Svg(CapacityPlan plan)
    {
        const int Width = 640, Height = 320, Left = 70, Bottom = 260, Top = 40;
        var max = plan.Costs.Max(c => Math.Max(c.MonthlyUsd, c.SeedMonthlyUsd));
        var group = (Width - Left - 20) / plan.Costs.Count;
        var svg = new StringBuilder();
        svg.AppendLine(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{Height}" viewBox="0 0 {Width} {Height}" font-family="sans-serif" font-size="12">""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""  <text x="{Left}" y="20" font-size="14">Monthly cost for {WebUtility.HtmlEncode(N(plan.Audience.Users))} users: ours (dark) vs the seed's (light), USD</text>""");
        svg.AppendLine(CultureInfo.InvariantCulture, $"""  <line x1="{Left}" y1="{Bottom}" x2="{Width - 10}" y2="{Bottom}" stroke="#333"/>""");
        for (var i = 0; i < plan.Costs.Count; i++)
        {
            var cost = plan.Costs[i];
            var x = Left + (i * group) + 10;
            var bar = (group - 30) / 2;
            foreach (var (value, offset, colour) in new[] { (cost.MonthlyUsd, 0, "#1f4e79"), (cost.SeedMonthlyUsd, bar + 4, "#9dc3e6") })
            {
                var h = value / max * (Bottom - Top);
                svg.AppendLine(CultureInfo.InvariantCulture, $"""  <rect x="{x + offset}" y="{N(Bottom - h, "F1")}" width="{bar}" height="{N(h, "F1")}" fill="{colour}"/>""");
                svg.AppendLine(CultureInfo.InvariantCulture, $"""  <text x="{x + offset + (bar / 2)}" y="{N(Bottom - h - 4, "F1")}" text-anchor="middle">${N(value)}</text>""");
            }

            svg.AppendLine(CultureInfo.InvariantCulture, $"""  <text x="{x + bar}" y="{Bottom + 18}" text-anchor="middle">{WebUtility.HtmlEncode(cost.Provider)}</text>""");
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }
}
