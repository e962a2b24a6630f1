using System.Collections.Concurrent;
using System.Net;
using System.Threading.RateLimiting;

namespace Vitrine.Api.Security;

/// <summary>
/// The general per-client-address limit in process: a token bucket of <c>burst</c> tokens refilled at <c>rate</c> a
/// second, kept as one number per address (GCRA, the generic cell rate algorithm: the time at which the bucket would be
/// full again) and updated with a compare-and-swap, so a request costs one dictionary lookup and no lock.
/// Written by hand because the framework's partitioned token bucket scans every live partition ten times a second
/// under a lock: with many client addresses (real traffic, or a flood from many) that scan was a fifth of a cached
/// read's CPU (bench/README.md). Addresses whose bucket is full again are forgotten every few seconds in one pass.
/// </summary>
public sealed class ClientRateLimiter : PartitionedRateLimiter<HttpContext>
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<IPAddress, Cell> cells = new();
    private readonly TimeProvider clock;
    private readonly long interval;
    private readonly long tolerance;
    private readonly ITimer sweeper;

    /// <param name="rate">Tokens added a second (and the bucket's size: a full second's worth may come at once).</param>
    public ClientRateLimiter(int rate, TimeProvider clock)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 1);
        this.clock = clock;
        interval = clock.TimestampFrequency / rate;
        tolerance = interval * (rate - 1);
        sweeper = clock.CreateTimer(_ => Sweep(), null, SweepInterval, SweepInterval);
    }

    /// <summary>Addresses currently remembered (for tests).</summary>
    public int TrackedAddresses => cells.Count;

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
    {
        if (RateLimiting.IsOperational(resource.Request.Path))
        {
            return Lease.Granted;
        }

        var address = resource.Connection.RemoteIpAddress ?? IPAddress.None;
        var cell = cells.GetOrAdd(address, static _ => new Cell());
        var now = clock.GetTimestamp();
        var cost = interval * permitCount;
        while (true)
        {
            var theoretical = Volatile.Read(ref cell.FullAt);
            var start = Math.Max(theoretical, now);
            var wait = start + cost - interval - tolerance - now;
            if (wait > 0)
            {
                return Lease.Refused(TimeSpan.FromSeconds(wait / (double)clock.TimestampFrequency));
            }

            if (Interlocked.CompareExchange(ref cell.FullAt, start + cost, theoretical) == theoretical)
            {
                return Lease.Granted;
            }
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            sweeper.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Forgets addresses whose bucket is full again: they are indistinguishable from new ones.</summary>
    private void Sweep()
    {
        var now = clock.GetTimestamp();
        foreach (var (address, cell) in cells)
        {
            if (Volatile.Read(ref cell.FullAt) <= now)
            {
                cells.TryRemove(new KeyValuePair<IPAddress, Cell>(address, cell));
            }
        }
    }

    private sealed class Cell
    {
        public long FullAt;
    }

    private sealed class Lease(bool acquired, TimeSpan retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, TimeSpan.Zero);

        public static Lease Refused(TimeSpan retryAfter) => new(false, retryAfter);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => acquired ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (!acquired && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = retryAfter;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
