using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;

namespace Vitrine.Api.Accounts;

/// <summary>Token settings (section "Jwt"). Validated at start: Production refuses to run without a real key.</summary>
public sealed class JwtOptions : IValidatableObject
{
    public const string Section = "Jwt";

    /// <summary>At least 256 bits. Base64 (as `vitrine up` generates) or any text of 32+ bytes.</summary>
    public string? SigningKey { get; set; }

    /// <summary>The key being rotated out: tokens it signed stay valid until they expire.</summary>
    public string? PreviousSigningKey { get; set; }

    [Required]
    public string Issuer { get; set; } = "vitrine";

    [Required]
    public string Audience { get; set; } = "vitrine-api";

    /// <summary>15 minutes by default: the seed's "7 days" is far too long for a bearer token.</summary>
    [Range(1, 24 * 60)]
    public int AccessTokenMinutes { get; set; } = 15;

    /// <summary>The seed's 30 days.</summary>
    [Range(1, 365)]
    public int RefreshTokenDays { get; set; } = 30;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(SigningKey))
        {
            yield return new ValidationResult("Jwt:SigningKey is required (environment variable Jwt__SigningKey or /run/secrets/Jwt__SigningKey), at least 256 bits.", [nameof(SigningKey)]);
        }
        else if (SigningKeyMaterial.Decode(SigningKey).Length < SigningKeyMaterial.MinimumBytes)
        {
            yield return new ValidationResult("Jwt:SigningKey is too weak: it must hold at least 256 bits (32 bytes).", [nameof(SigningKey)]);
        }

        if (!string.IsNullOrWhiteSpace(PreviousSigningKey) && SigningKeyMaterial.Decode(PreviousSigningKey).Length < SigningKeyMaterial.MinimumBytes)
        {
            yield return new ValidationResult("Jwt:PreviousSigningKey is too weak: it must hold at least 256 bits (32 bytes).", [nameof(PreviousSigningKey)]);
        }
    }
}

public static class SigningKeyMaterial
{
    public const int MinimumBytes = 32;

    /// <summary>A base64 value is its decoded bytes; anything else is its UTF-8 bytes.</summary>
    public static byte[] Decode(string key)
    {
        var trimmed = key.Trim();
        var buffer = new byte[trimmed.Length];
        return Convert.TryFromBase64String(trimmed, buffer, out var written) && written >= MinimumBytes
            ? buffer[..written]
            : Encoding.UTF8.GetBytes(trimmed);
    }

    /// <summary>A stable key id derived from the key, so verifiers pick the right key during a rotation.</summary>
    public static string KeyId(byte[] key) => "k" + Convert.ToHexString(SHA256.HashData(key))[..12].ToLowerInvariant();
}

/// <summary>Password settings (section "Accounts").</summary>
public sealed class AccountOptions
{
    public const string Section = "Accounts";

    /// <summary>The seed's bcrypt cost 10. Raising it re-hashes each password at its owner's next login.</summary>
    [Range(4, 16)]
    public int BcryptWorkFactor { get; set; } = 10;
}
