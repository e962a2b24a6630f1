using System.ComponentModel.DataAnnotations;
using Vitrine.Data.Model;

namespace Vitrine.Api.Accounts;

public sealed record RegisterRequest(
    [property: Required, EmailAddress, StringLength(254)] string Email,
    [property: Required, StringLength(1000, MinimumLength = PasswordRules.MinimumLength), MaxUtf8Bytes(PasswordRules.MaximumBytes)] string Password,
    [property: Required, StringLength(100, MinimumLength = 1), NoControlCharacters] string Name);

public sealed record LoginRequest(
    [property: Required, StringLength(254)] string Email,
    [property: Required, StringLength(1000)] string Password);

public sealed record RefreshRequest(
    [property: Required, StringLength(200)] string RefreshToken);

public sealed record TokenResponse(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType);

public sealed record UserResponse(long Id, string Email, string Name, string Role, DateTimeOffset CreatedAt)
{
    public static UserResponse From(User user) => new(user.Id, user.Email, user.Name, user.Role, user.CreatedAt);
}

public static class PasswordRules
{
    public const int MinimumLength = 8;

    /// <summary>bcrypt reads at most 72 bytes; longer passwords are refused rather than silently truncated.</summary>
    public const int MaximumBytes = 72;
}

/// <summary>Rejects a string longer than the given number of UTF-8 bytes.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class MaxUtf8BytesAttribute(int bytes) : ValidationAttribute($"The field {{0}} must be at most {bytes} bytes in UTF-8.")
{
    public int Bytes { get; } = bytes;

    public override bool IsValid(object? value) =>
        value is not string text || System.Text.Encoding.UTF8.GetByteCount(text) <= Bytes;
}

/// <summary>Rejects control characters (a name is shown on pages and in e-mails).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class NoControlCharactersAttribute() : ValidationAttribute("The field {0} must not contain control characters.")
{
    public override bool IsValid(object? value) => value is not string text || !text.Any(char.IsControl);
}
