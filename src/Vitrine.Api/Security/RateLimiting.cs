using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using RedisRateLimiting;
using StackExchange.Redis;
using Vitrine.Api.Caching;
using Vitrine.Data;

namespace Vitrine.Api.Security;

/// <summary>
/// Two kinds of limits. The general 100 req/s per client IP is enforced in process (<see cref="ClientRateLimiter"/>), each
/// replica taking its share (limit ÷ replicas) behind nginx's own 20 r/s edge limit: no Redis round trip on the hot
/// path. Login and registration limits are exact across every replica, counted in Redis (RedisRateLimiting); when Redis
/// is unreachable they fall back to a per-process limiter, so a Redis outage never opens login to brute force.
/// </summary>
public static class RateLimiting
{
    public static WebApplicationBuilder AddVitrineRateLimiting(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>()
            .Bind(builder.Configuration.GetSection(RateLimitOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<AccountThrottles>();

        builder.Services.AddSingleton(sp => new ClientRateLimiter(
            sp.GetRequiredService<IOptions<RateLimitOptions>>().Value.GeneralPerReplica, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                return new ValueTask(TooManyRequests.WriteAsync(context.HttpContext, retryAfter, cancellationToken));
            };
        });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>, IServiceProvider>((options, limits, services) =>
            options.GlobalLimiter = limits.Value.GeneralStore == GeneralLimitStore.Redis
                ? RedisGeneralLimiter()
                : services.GetRequiredService<ClientRateLimiter>());
        return builder;
    }

    /// <summary>The general limit counted in Redis, exact across replicas (a round trip per request; see GeneralStore).</summary>
    private static PartitionedRateLimiter<HttpContext> RedisGeneralLimiter() => PartitionedRateLimiter.Create<HttpContext, string>(http =>
    {
        if (IsOperational(http.Request.Path))
        {
            return RateLimitPartition.GetNoLimiter("operational");
        }

        var limits = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var redis = http.RequestServices.GetRequiredKeyedService<IConnectionMultiplexer>(RedisConnections.Cache);
        return RateLimitPartition.Get(ClientAddress(http), address => new FailOpenRateLimiter(new RedisTokenBucketRateLimiter<string>(
            $"{http.RequestServices.GetRequiredService<IOptions<CachingOptions>>().Value.Name}:general:{address}",
            new RedisTokenBucketRateLimiterOptions
            {
                ConnectionMultiplexerFactory = () => redis,
                TokenLimit = limits.GeneralRequestsPerSecond,
                TokensPerPeriod = limits.GeneralRequestsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            })));
    });

    /// <summary>The client's address (after the load balancer's X-Forwarded-For has been applied).</summary>
    public static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? IPAddress.None.ToString();

    /// <summary>Health probes and scrapes are never limited.</summary>
    internal static bool IsOperational(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");
}

/// <summary>A limiter that lets requests through when its store (Redis) cannot be reached: general limits fail open.</summary>
public sealed class FailOpenRateLimiter(RateLimiter inner) : RateLimiter
{
    public override TimeSpan? IdleDuration => inner.IdleDuration;

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => inner.AttemptAcquire(permitCount);

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        try
        {
            return await inner.AcquireAsync(permitCount, cancellationToken);
        }
        catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
        {
            return GrantedLease.Instance;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class GrantedLease : RateLimitLease
    {
        public static readonly GrantedLease Instance = new();

        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}

/// <summary>429 as problem+json with Retry-After in whole seconds (at least 1).</summary>
public static class TooManyRequests
{
    public static async Task WriteAsync(HttpContext http, TimeSpan retryAfter, CancellationToken cancellationToken)
    {
        var seconds = SetRetryAfter(http, retryAfter);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests.",
                Detail = $"Try again in {seconds} s.",
            },
        });
    }

    /// <summary>Retry-After in whole seconds, at least 1; returns the seconds for the problem's detail.</summary>
    private static int SetRetryAfter(HttpContext http, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return seconds;
    }

    /// <summary>The same answer from an endpoint that throttles by something only it knows (the account being logged into).</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Result(HttpContext http, TimeSpan retryAfter)
    {
        var seconds = SetRetryAfter(http, retryAfter);
        return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests.", detail: $"Try again in {seconds} s.");
    }
}

public readonly record struct ThrottleDecision(bool Allowed, TimeSpan RetryAfter);

/// <summary>
/// A fixed-window limit counted in Redis so every replica sees the same count, with a per-process fallback used
/// only while Redis cannot be reached.
/// </summary>
public sealed class DistributedRateLimit : IAsyncDisposable
{
    private readonly PartitionedRateLimiter<string> shared;
    private readonly PartitionedRateLimiter<string> fallback;
    private readonly ILogger logger;
    private readonly string name;

    /// <param name="name">The limit's Redis key prefix (the stack's name, then the limit's), so stacks sharing a Redis keep apart.</param>
    public DistributedRateLimit(string name, int permits, TimeSpan window, IConnectionMultiplexer redis, ILogger logger)
    {
        this.name = name;
        this.logger = logger;
        shared = PartitionedRateLimiter.Create<string, string>(key => RedisRateLimitPartition.GetFixedWindowRateLimiter(
            $"{name}:{key}",
            _ => new RedisFixedWindowRateLimiterOptions { ConnectionMultiplexerFactory = () => redis, PermitLimit = permits, Window = window }));
        fallback = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(
            key,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = window, QueueLimit = 0 }));
    }

    public async ValueTask<ThrottleDecision> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            using var lease = await shared.AcquireAsync(key, 1, cancellationToken);
            return Decide(lease);
        }
        catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
        {
            logger.LogWarning("Rate limit {Limit} falls back to this process: Redis is unreachable ({Reason})", name, exception.Message);
            using var lease = await fallback.AcquireAsync(key, 1, cancellationToken);
            return Decide(lease);
        }
    }

    private static ThrottleDecision Decide(RateLimitLease lease)
    {
        if (lease.IsAcquired)
        {
            return new ThrottleDecision(true, TimeSpan.Zero);
        }

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait
            : lease.TryGetMetadata(RateLimitMetadataName.RetryAfter.Name, out var seconds) && seconds is int s ? TimeSpan.FromSeconds(s)
            : TimeSpan.FromSeconds(1);
        return new ThrottleDecision(false, retryAfter);
    }

    public async ValueTask DisposeAsync()
    {
        await shared.DisposeAsync();
        await fallback.DisposeAsync();
    }
}

/// <summary>The account-related limits: login per client IP and per account, registration per client IP.</summary>
public sealed class AccountThrottles : IAsyncDisposable
{
    public AccountThrottles(
        IOptions<RateLimitOptions> options, IOptions<CachingOptions> caching, [FromKeyedServices(RedisConnections.Cache)] IConnectionMultiplexer redis, ILogger<AccountThrottles> logger)
    {
        var limits = options.Value;
        var stack = caching.Value.Name;
        LoginByAddress = new DistributedRateLimit($"{stack}:login-ip", limits.LoginsPerMinute, TimeSpan.FromMinutes(1), redis, logger);
        LoginByAccount = new DistributedRateLimit($"{stack}:login-account", limits.LoginsPerMinute, TimeSpan.FromMinutes(1), redis, logger);
        Registration = new DistributedRateLimit($"{stack}:register-ip", limits.RegistrationsPerHour, TimeSpan.FromHours(1), redis, logger);
    }

    public DistributedRateLimit LoginByAddress { get; }

    public DistributedRateLimit LoginByAccount { get; }

    public DistributedRateLimit Registration { get; }

    public async ValueTask DisposeAsync()
    {
        await LoginByAddress.DisposeAsync();
        await LoginByAccount.DisposeAsync();
        await Registration.DisposeAsync();
    }
}
