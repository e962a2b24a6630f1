using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace Vitrine.Data;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Seed: pool min 2 per instance.</summary>
    [Range(0, 1000)]
    public int MinPoolSize { get; set; } = 2;

    /// <summary>Seed: pool max 50 per instance.</summary>
    [Range(1, 1000)]
    public int MaxPoolSize { get; set; } = 50;

    /// <summary>Seed: idleTimeout 10 s.</summary>
    [Range(1, 3600)]
    public int ConnectionIdleLifetimeSeconds { get; set; } = 10;

    /// <summary>Seed: connectionTimeout 30 s.</summary>
    [Range(1, 300)]
    public int ConnectTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Reads-your-writes: for this long after a user's write, that user's reads use the read replica only once it has
    /// replayed the write (its WAL position); after it, the replica is trusted as it is. Replication lag is normally
    /// well under a second, so the window only has to outlast a lag spike.
    /// </summary>
    [Range(1, 3600)]
    public int ReadYourWritesSeconds { get; set; } = 30;
}

public sealed class ConnectionStringOptions : IValidatableObject
{
    [Required(ErrorMessage = "ConnectionStrings:Postgres is required (environment variable ConnectionStrings__Postgres).")]
    public string? Postgres { get; set; }

    [Required(ErrorMessage = "ConnectionStrings:Redis is required (environment variable ConnectionStrings__Redis).")]
    public string? Redis { get; set; }

    /// <summary>
    /// The streaming read replica, directly (not through PgBouncer). Optional: without it every query uses
    /// <see cref="Postgres"/>.
    /// </summary>
    public string? PostgresRead { get; set; }

    /// <summary>
    /// The primary, directly (not through PgBouncer), for the read-only statements that must see the latest commit and
    /// run most often: a catalog cache entry filled on a miss. Multiplexed and prepared (what PgBouncer 1.18's
    /// transaction pooling cannot offer), on a small pool. Optional: without it those reads use <see cref="Postgres"/>.
    /// </summary>
    public string? PostgresDirect { get; set; }

    /// <summary>Falls back to <see cref="Redis"/> when not set, for a single-Redis development setup.</summary>
    public string? RedisDurable { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[] { (nameof(Postgres), Postgres), (nameof(PostgresRead), PostgresRead), (nameof(PostgresDirect), PostgresDirect) })
        {
            if (!string.IsNullOrWhiteSpace(value) && !IsNpgsqlConnectionString(value))
            {
                yield return new ValidationResult(
                    $"ConnectionStrings:{name} is not a PostgreSQL connection string (environment variable ConnectionStrings__{name}).", [name]);
            }
        }
    }

    private static bool IsNpgsqlConnectionString(string value)
    {
        try
        {
            _ = new NpgsqlConnectionStringBuilder(value);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
