using System.Globalization;
using System.Text.RegularExpressions;

namespace Vitrine.Cli.Capacity;

/// <summary>
/// Requests per second one core sustains, per scenario, as `vitrine bench` measured them: the committed markdown of
/// bench/results, whose API replica runs pinned to one core (wrk on the other). The newest file that measured every
/// scenario asked for is the one used, and named in the output.
/// </summary>
public sealed partial record MeasuredThroughput(string File, string Command, IReadOnlyDictionary<string, double> PerCore)
{
    /// <summary>Reads bench/results/*-api.md newest first (their names start with the UTC time of the run).</summary>
    public static MeasuredThroughput Newest(string resultsDirectory, IReadOnlyCollection<string> scenarios)
    {
        var files = Directory.EnumerateFiles(resultsDirectory, "*-api.md").OrderDescending(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            var parsed = Parse(Path.GetFileName(file), System.IO.File.ReadAllText(file));
            if (scenarios.All(parsed.PerCore.ContainsKey))
            {
                return parsed;
            }
        }

        throw new InvalidOperationException(
            $"no file in {resultsDirectory} measured all of {string.Join(", ", scenarios)}: run `./vitrine bench {string.Join(' ', scenarios)}`");
    }

    /// <summary>One row per scenario: its first variant (InProcess, or Direct for `database`) is the figure.</summary>
    public static MeasuredThroughput Parse(string name, string markdown)
    {
        var perCore = new Dictionary<string, double>();
        string[]? header = null;
        foreach (var line in markdown.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('|')))
        {
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (cells.Contains("req/s") && cells[0] == "scenario")
            {
                header = cells;
                continue;
            }

            if (header is null || cells.Length != header.Length || cells[0].StartsWith('-'))
            {
                continue;
            }

            var value = cells[Array.IndexOf(header, "req/s")];
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rps))
            {
                perCore.TryAdd(cells[0], rps);
            }
        }

        var command = CommandLine().Match(markdown) is { Success: true } m ? m.Groups[1].Value : "";
        return new MeasuredThroughput(name, command, perCore);
    }

    [GeneratedRegex("Command: `([^`]+)`")]
    private static partial Regex CommandLine();
}
