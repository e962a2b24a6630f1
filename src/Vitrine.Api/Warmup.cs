using Microsoft.EntityFrameworkCore;
using Vitrine.Api.Accounts;
using Vitrine.Data;

namespace Vitrine.Api;

/// <summary>
/// Pays a replica's first-request costs before it listens: EF Core's model and query compilation, the first pooled
/// connections and the bcrypt dummy hash. Hosted services start before Kestrel, so a replica that joins the load
/// balancer (or an autoscaler's new pod) does not spend its first shoppers' seconds on them; under load those first
/// calls took longer than the Web's 5 s attempt timeout. Any failure (a database still starting, EF Core's retries
/// running out) is logged and start goes on: readiness reports a database that is not there.
/// </summary>
public sealed class Warmup(IServiceScopeFactory scopes, PasswordHasher passwords, ILogger<Warmup> logger) : IHostedService
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limit);
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            passwords.VerifyAgainstDummy("warm-up");
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VitrineDbContext>();
            _ = await db.Products.AsNoTracking().Where(p => p.Id > 0).Select(p => p.Id).FirstOrDefaultAsync(timeout.Token);
            _ = await db.Users.AsNoTracking().AnyAsync(u => u.Email == "warm-up@vitrine.invalid", timeout.Token);
            logger.LogInformation("Warmed up in {Elapsed:F0} ms", TimeProvider.System.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(exception, "Warm-up did not finish; the first requests pay for it");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
