namespace Vitrine.Data.Model;

/// <summary>
/// A refresh token, stored only as a hash. Tokens rotated from one login share a family,
/// so reuse of a spent token can revoke every token of that family.
/// </summary>
public sealed class RefreshToken
{
    public long Id { get; set; }

    public long UserId { get; set; }

    public Guid FamilyId { get; set; }

    public required byte[] TokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? SpentAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
