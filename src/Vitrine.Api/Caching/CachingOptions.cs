using System.ComponentModel.DataAnnotations;

namespace Vitrine.Api.Caching;

/// <summary>Caching (section "Caching"). The TTL tiers are the seed's: short 5 min, medium 1 h, long 24 h.</summary>
public sealed class CachingOptions
{
    public const string Section = "Caching";

    /// <summary>Prefix of keys in Redis and of backplane channels; stacks sharing a Redis keep apart by it.</summary>
    [Required]
    public string Name { get; set; } = "vitrine";

    /// <summary>Seed "short" (5 min): product listings and search results, which every order's stock change touches.</summary>
    public TimeSpan ShortTier { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Seed "medium" (1 h): a product by id, evicted on every change to it.</summary>
    public TimeSpan MediumTier { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Seed "long" (24 h): categories, which change only with a deploy.</summary>
    public TimeSpan LongTier { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long shared caches in front (nginx) may keep a public catalog response.</summary>
    [Range(0, 3600)]
    public int SharedMaxAgeSeconds { get; set; } = 5;
}
