using System.ComponentModel.DataAnnotations;

namespace Vitrine.Api.Jobs;

/// <summary>Background jobs (section "Jobs"): Hangfire on the durable Redis.</summary>
public sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>Key prefix in the durable Redis; two stacks (or test runs) on one Redis keep apart by it.</summary>
    [Required]
    public string Prefix { get; set; } = "vitrine:jobs:";

    /// <summary>Whether this process also runs jobs (every API replica does by default).</summary>
    public bool RunServer { get; set; } = true;

    [Range(1, 100)]
    public int Workers { get; set; } = 4;

    /// <summary>How often scheduled and retried jobs are looked for.</summary>
    [Range(1, 300)]
    public int PollingSeconds { get; set; } = 15;

    /// <summary>Retries of a failed job: the wait in seconds before each, comma-separated (backoff).</summary>
    [RegularExpression(@"^\s*\d+(\s*,\s*\d+)*\s*$")]
    public string RetryDelaysSeconds { get; set; } = "10,60,300,1800,7200";

    public int[] RetryDelays => RetryDelaysSeconds.Split(',').Select(s => int.Parse(s.Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
