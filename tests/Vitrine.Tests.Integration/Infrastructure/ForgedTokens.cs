using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>Access tokens an attacker might present: expired, tampered, unsigned, for the wrong audience or issuer.</summary>
internal static class ForgedTokens
{
    private static readonly JsonWebTokenHandler Handler = new();

    public static string Create(
        string subject,
        string role = "customer",
        string issuer = "vitrine",
        string audience = "vitrine-api",
        TimeSpan? expiresIn = null,
        string algorithm = SecurityAlgorithms.HmacSha256,
        string signingKey = ApiFactory.SigningKey)
    {
        var expires = DateTime.UtcNow + (expiresIn ?? TimeSpan.FromMinutes(10));
        var issued = expires - TimeSpan.FromMinutes(20);
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = issued,
            NotBefore = issued,
            Expires = expires,
            Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("role", role)]),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(signingKey)), algorithm),
        });
    }

    /// <summary>The same claims with "alg": "none" and no signature.</summary>
    public static string Unsigned(string subject, string role = "admin")
    {
        static string Encode(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = $$"""{"sub":"{{subject}}","role":"{{role}}","iss":"vitrine","aud":"vitrine-api","iat":{{now}},"nbf":{{now}},"exp":{{now + 600}}}""";
        return $"{Encode("""{"alg":"none","typ":"JWT"}""")}.{Encode(payload)}.";
    }

    /// <summary>A valid token whose payload was edited after signing (here: promoted to admin).</summary>
    public static string Tampered(string validToken)
    {
        var parts = validToken.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("\"customer\"", "\"admin\"", StringComparison.Ordinal);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
    }
}
