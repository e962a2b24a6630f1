using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vitrine.Data;
using Vitrine.Data.Model;

namespace Vitrine.Api.Accounts;

/// <summary>
/// Refresh tokens: random, stored only as SHA-256 hashes, rotated on every use. A login starts a family; each refresh
/// spends its token and issues the next one of the family. Presenting a spent token again means it was stolen or
/// replayed, so the whole family is revoked.
/// </summary>
public sealed class RefreshTokenFamily(VitrineDbContext db, IOptions<JwtOptions> options, TimeProvider clock)
{
    public async Task<string> StartAsync(long userId, CancellationToken cancellationToken) =>
        await IssueAsync(userId, Guid.NewGuid(), cancellationToken);

    /// <summary>Spends the token and returns the user and the next token, or null when it is unknown, expired, spent or revoked.</summary>
    public async Task<(User User, string Token)?> RotateAsync(string token, CancellationToken cancellationToken)
    {
        var hash = Hash(token);
        var stored = await db.RefreshTokens.AsNoTracking().SingleOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        var now = clock.GetUtcNow();
        if (stored is null || stored.ExpiresAt <= now)
        {
            return null;
        }

        // Spend it atomically: of two concurrent refreshes with one token, exactly one wins.
        var spent = await db.RefreshTokens
            .Where(t => t.Id == stored.Id && t.SpentAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.SpentAt, now), cancellationToken);
        if (spent == 0)
        {
            await RevokeFamilyAsync(stored.FamilyId, cancellationToken);
            return null;
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == stored.UserId && u.Status == UserStatus.Active, cancellationToken);
        if (user is null)
        {
            await RevokeFamilyAsync(stored.FamilyId, cancellationToken);
            return null;
        }

        return (user, await IssueAsync(user.Id, stored.FamilyId, cancellationToken));
    }

    /// <summary>Ends the session the token belongs to, if it is the caller's; unknown tokens are ignored.</summary>
    public async Task RevokeAsync(long userId, string token, CancellationToken cancellationToken)
    {
        var hash = Hash(token);
        var family = await db.RefreshTokens.Where(t => t.TokenHash == hash && t.UserId == userId).Select(t => (Guid?)t.FamilyId).SingleOrDefaultAsync(cancellationToken);
        if (family is { } id)
        {
            await RevokeFamilyAsync(id, cancellationToken);
        }
    }

    private Task<int> RevokeFamilyAsync(Guid familyId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return db.RefreshTokens
            .Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, now), cancellationToken);
    }

    private async Task<string> IssueAsync(long userId, Guid familyId, CancellationToken cancellationToken)
    {
        var token = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        db.RefreshTokens.Add(new RefreshToken
        {
            UserId = userId,
            FamilyId = familyId,
            TokenHash = Hash(token),
            CreatedAt = now,
            ExpiresAt = now.AddDays(options.Value.RefreshTokenDays),
        });
        await db.SaveChangesAsync(cancellationToken);
        return token;
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
