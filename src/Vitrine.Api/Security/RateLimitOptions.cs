using System.ComponentModel.DataAnnotations;

namespace Vitrine.Api.Security;

/// <summary>Rate limits (section "RateLimiting"); the seed's numbers are the defaults.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Seed: 100 req/s per client IP across the API cluster.</summary>
    [Range(1, 1_000_000)]
    public int GeneralRequestsPerSecond { get; set; } = 100;

    /// <summary>How many API replicas share <see cref="GeneralRequestsPerSecond"/>; each enforces its share in process.</summary>
    [Range(1, 1000)]
    public int ApiReplicas { get; set; } = 1;

    /// <summary>Seed: login 5 req/min, enforced per client IP and per account, exactly, across replicas (Redis).</summary>
    [Range(1, 10_000)]
    public int LoginsPerMinute { get; set; } = 5;

    /// <summary>New accounts per client IP per hour, exactly, across replicas (Redis).</summary>
    [Range(1, 10_000)]
    public int RegistrationsPerHour { get; set; } = 20;

    /// <summary>
    /// Where the general limit is counted. InProcess (the default): each replica its share, no network hop.
    /// Redis: exact across replicas at the price of a Redis round trip per request (kept to measure that price;
    /// see `vitrine bench`). It fails open when Redis is unreachable.
    /// </summary>
    public GeneralLimitStore GeneralStore { get; set; } = GeneralLimitStore.InProcess;

    public int GeneralPerReplica => (int)Math.Ceiling(GeneralRequestsPerSecond / (double)ApiReplicas);
}

public enum GeneralLimitStore
{
    InProcess,
    Redis,
}
