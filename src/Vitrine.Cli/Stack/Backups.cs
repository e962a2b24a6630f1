using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Vitrine.Cli.Stack;

/// <summary>One backup in the repository, as `pgbackrest info` describes it.</summary>
public sealed record BackupSet(string Label, string Type, DateTimeOffset Started, DateTimeOffset Stopped, long DatabaseBytes, long RepositoryBytes);

/// <summary>
/// pgBackRest for the local stack: every command as the postgres user (it owns the cluster and the repository), with
/// the stack's settings as pgBackRest's own environment variables (StackModel.BackupEnvironment) over
/// deploy/pgbackrest/pgbackrest.conf. `backup`, `restore` and the tests use these.
/// </summary>
public static partial class Backups
{
    public static readonly IReadOnlyList<string> Types = ["full", "diff", "incr"];

    /// <summary>pgBackRest's LockAcquireError: another command of the same kind holds the stanza's lock.</summary>
    public const int LockHeldExitCode = 50;

    /// <summary>Runs one pgBackRest command for the stack's stanza; each line of its output goes to <paramref name="onLine"/>.</summary>
    public static Task<Shell.Result> RunAsync(StackModel stack, IEnumerable<string> arguments, Action<string>? onLine, CancellationToken cancellationToken) =>
        Shell.RunAsPostgresAsync("pgbackrest", arguments, stack.BackupClientEnvironment(), onLine, cancellationToken);

    /// <summary>Creates the stanza when it is missing (a no-op when it exists and matches the cluster).</summary>
    public static Task<Shell.Result> EnsureStanzaAsync(StackModel stack, CancellationToken cancellationToken) =>
        RunAsync(stack, ["stanza-create"], onLine: null, cancellationToken);

    /// <summary>
    /// pgBackRest's check: it switches the primary to a new WAL segment and waits until the segment is archived, so
    /// every commit up to now is in the repository.
    /// </summary>
    public static Task<Shell.Result> ArchiveNowAsync(StackModel stack, CancellationToken cancellationToken) =>
        RunAsync(stack, ["check"], onLine: null, cancellationToken);

    /// <summary>The repository's backups, oldest first (none when the stanza has none or does not exist yet).</summary>
    public static async Task<IReadOnlyList<BackupSet>> ListAsync(StackModel stack, CancellationToken cancellationToken)
    {
        var result = await RunAsync(stack, ["info", "--output=json", "--log-level-console=warn", "--log-level-stderr=warn"], onLine: null, cancellationToken);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("pgbackrest info failed:\n" + result.Output.Trim());
        }

        return Parse(result.Output);
    }

    public static IReadOnlyList<BackupSet> Parse(string infoJson)
    {
        var start = infoJson.IndexOf('[', StringComparison.Ordinal);
        if (start < 0)
        {
            return [];
        }

        using var document = JsonDocument.Parse(infoJson[start..]);
        var sets = new List<BackupSet>();
        foreach (var stanza in document.RootElement.EnumerateArray())
        {
            if (!stanza.TryGetProperty("backup", out var backups))
            {
                continue;
            }

            foreach (var backup in backups.EnumerateArray())
            {
                var timestamp = backup.GetProperty("timestamp");
                var info = backup.GetProperty("info");
                sets.Add(new BackupSet(
                    backup.GetProperty("label").GetString()!,
                    backup.GetProperty("type").GetString()!,
                    DateTimeOffset.FromUnixTimeSeconds(timestamp.GetProperty("start").GetInt64()),
                    DateTimeOffset.FromUnixTimeSeconds(timestamp.GetProperty("stop").GetInt64()),
                    info.GetProperty("size").GetInt64(),
                    info.GetProperty("repository").GetProperty("delta").GetInt64()));
            }
        }

        return [.. sets.OrderBy(s => s.Stopped)];
    }

    /// <summary>
    /// A target time for `restore --to`: ISO 8601 with a UTC offset or Z (e.g. 2026-12-02T10:15:30.123456Z), to the
    /// microsecond (PostgreSQL's resolution). A time without an offset is refused: it would mean a different moment
    /// on every machine.
    /// </summary>
    public static bool TryParseTarget(string text, out DateTimeOffset target)
    {
        target = default;
        if (!OffsetSuffix().IsMatch(text.Trim()))
        {
            return false;
        }

        return DateTimeOffset.TryParse(text.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out target);
    }

    /// <summary>The form pgBackRest's --target takes: "YYYY-MM-DD HH:MM:SS.ffffff+00".</summary>
    public static string ToPgBackRestTime(DateTimeOffset target) =>
        target.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "+00";

    /// <summary>pgBackRest's progress lines at detail level end with "(12%)" or "(12.34%)": the last percentage seen.</summary>
    public static string? Percent(string line) => PercentPattern().Match(line) is { Success: true } match ? match.Groups[1].Value : null;

    [GeneratedRegex(@"(Z|[+-]\d{2}(:?\d{2})?)$", RegexOptions.IgnoreCase)]
    private static partial Regex OffsetSuffix();

    [GeneratedRegex(@"\((\d{1,3}(?:\.\d+)?)%\)")]
    private static partial Regex PercentPattern();
}
