using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Vitrine.Data.Model;

namespace Vitrine.Api.Accounts;

/// <summary>Short-lived HS256 access tokens, signed with the current key; verification also accepts the previous key.</summary>
public sealed class AccessTokens(IOptions<JwtOptions> options, TimeProvider clock)
{
    private readonly JsonWebTokenHandler handler = new();

    public JwtOptions Options { get; } = options.Value;

    public static SymmetricSecurityKey Key(string material)
    {
        var bytes = SigningKeyMaterial.Decode(material);
        return new SymmetricSecurityKey(bytes) { KeyId = SigningKeyMaterial.KeyId(bytes) };
    }

    public IReadOnlyList<SecurityKey> VerificationKeys()
    {
        var keys = new List<SecurityKey> { Key(Options.SigningKey!) };
        if (!string.IsNullOrWhiteSpace(Options.PreviousSigningKey))
        {
            keys.Add(Key(Options.PreviousSigningKey));
        }

        return keys;
    }

    public TimeSpan Lifetime => TimeSpan.FromMinutes(Options.AccessTokenMinutes);

    public string Issue(User user)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Options.Issuer,
            Audience = Options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
                new Claim(AccountClaims.Role, user.Role),
            ]),
            SigningCredentials = new SigningCredentials(Key(Options.SigningKey!), SecurityAlgorithms.HmacSha256),
        });
    }
}

public static class AccountClaims
{
    public const string Role = "role";
    public const string Subject = JwtRegisteredClaimNames.Sub;

    public static long UserId(this ClaimsPrincipal principal) =>
        long.Parse(principal.FindFirst(Subject)?.Value ?? throw new InvalidOperationException("no subject"), System.Globalization.CultureInfo.InvariantCulture);
}
