using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Vitrine.Api.Security;

namespace Vitrine.Tests.Integration.Security;

/// <summary>The in-process general limit: a token bucket per client address, kept as one timestamp (GCRA).</summary>
public sealed class ClientRateLimiterTests
{
    [Fact]
    public void A_full_bucket_lets_a_second_of_requests_through_at_once_then_one_per_interval()
    {
        var clock = new ManualClock();
        using var limiter = new ClientRateLimiter(10, clock);
        var client = Request("10.0.0.1");

        for (var i = 0; i < 10; i++)
        {
            limiter.AttemptAcquire(client).IsAcquired.ShouldBeTrue($"request {i + 1} of the burst");
        }

        using var refused = limiter.AttemptAcquire(client);
        refused.IsAcquired.ShouldBeFalse();
        refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter).ShouldBeTrue();
        retryAfter.ShouldBe(TimeSpan.FromMilliseconds(100));

        clock.Advance(TimeSpan.FromMilliseconds(99));
        limiter.AttemptAcquire(client).IsAcquired.ShouldBeFalse("a token takes a tenth of a second to come back");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        limiter.AttemptAcquire(client).IsAcquired.ShouldBeTrue();
        limiter.AttemptAcquire(client).IsAcquired.ShouldBeFalse();
    }

    [Fact]
    public void Addresses_have_their_own_buckets_and_operational_paths_are_never_limited()
    {
        var clock = new ManualClock();
        using var limiter = new ClientRateLimiter(1, clock);
        limiter.AttemptAcquire(Request("10.0.0.1")).IsAcquired.ShouldBeTrue();
        limiter.AttemptAcquire(Request("10.0.0.1")).IsAcquired.ShouldBeFalse();
        limiter.AttemptAcquire(Request("10.0.0.2")).IsAcquired.ShouldBeTrue();
        limiter.AttemptAcquire(Request("10.0.0.1", "/health/ready")).IsAcquired.ShouldBeTrue();
        limiter.AttemptAcquire(Request("10.0.0.1", "/metrics")).IsAcquired.ShouldBeTrue();
    }

    [Fact]
    public void The_sweep_forgets_addresses_whose_bucket_is_full_again_and_keeps_the_others()
    {
        var clock = new ManualClock();
        using var limiter = new ClientRateLimiter(2, clock);
        limiter.AttemptAcquire(Request("10.0.0.1")).IsAcquired.ShouldBeTrue();
        clock.Advance(TimeSpan.FromSeconds(1));
        limiter.AttemptAcquire(Request("10.0.0.2")).IsAcquired.ShouldBeTrue();
        limiter.TrackedAddresses.ShouldBe(2);

        clock.Tick();
        limiter.TrackedAddresses.ShouldBe(1);

        // The remembered address is still charged for its request: one token left, not two.
        limiter.AttemptAcquire(Request("10.0.0.2")).IsAcquired.ShouldBeTrue();
        limiter.AttemptAcquire(Request("10.0.0.2")).IsAcquired.ShouldBeFalse();
    }

    private static DefaultHttpContext Request(string address, string path = "/api/v1/categories")
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(address);
        http.Request.Path = path;
        return http;
    }

    /// <summary>A clock the test moves by hand, whose timers fire only when the test says so.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private readonly List<TimerCallback> callbacks = [];
        private long now = 1_000_000;

        public override long TimestampFrequency => 1_000_000;

        public override long GetTimestamp() => now;

        public void Advance(TimeSpan by) => now += (long)(by.TotalSeconds * TimestampFrequency);

        /// <summary>Fires every timer once.</summary>
        public void Tick()
        {
            foreach (var callback in callbacks)
            {
                callback(null);
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            callbacks.Add(callback);
            return new Timer();
        }

        private sealed class Timer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
