using System.Globalization;

namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>
/// An API's /metrics (Prometheus text format), read as a test needs it. The exporter caches its answer for a moment
/// (300 ms by default), so a value is waited for by polling, never read once right after the action.
/// </summary>
internal static class MetricsScrape
{
    public static Task<string> ScrapeAsync(this HttpClient client) => client.GetStringAsync(new Uri("/metrics", UriKind.Relative));

    /// <summary>The sum of a metric's series that carry every given label, or null when there is none.</summary>
    public static double? Value(string scrape, string name, params (string Label, string Value)[] labels)
    {
        var series = scrape.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            .Where(line => labels.All(l => line.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Select(line => double.Parse(line[(line.LastIndexOf('}') is var brace and >= 0 ? brace + 1 : name.Length)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture))
            .ToList();
        return series.Count == 0 ? null : series.Sum();
    }

    /// <summary>Polls /metrics until the condition holds; past the deadline fails with the last scrape's lines of interest.</summary>
    public static async Task<string> ScrapeUntilAsync(this HttpClient client, Func<string, bool> condition, string because, string showLinesOf = "vitrine_")
    {
        var deadline = DateTime.UtcNow + Eventually.DefaultTimeout;
        while (true)
        {
            var scrape = await client.ScrapeAsync();
            if (condition(scrape))
            {
                return scrape;
            }

            if (DateTime.UtcNow > deadline)
            {
                var shown = string.Join('\n', scrape.Split('\n').Where(line => line.StartsWith(showLinesOf, StringComparison.Ordinal)));
                throw new ShouldAssertException($"Not within {Eventually.DefaultTimeout.TotalSeconds} s: {because}. Last scrape:\n{shown}");
            }

            await Task.Delay(200);
        }
    }
}
