namespace Vitrine.Data.Model;

public sealed class User
{
    public long Id { get; set; }

    /// <summary>Stored as citext: unique and compared case-insensitively by PostgreSQL itself.</summary>
    public required string Email { get; set; }

    public required string PasswordHash { get; set; }

    public required string Name { get; set; }

    public string Role { get; set; } = Roles.Customer;

    public string Status { get; set; } = UserStatus.Active;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public static class Roles
{
    public const string Customer = "customer";
    public const string Admin = "admin";
}

public static class UserStatus
{
    public const string Active = "active";
    public const string Disabled = "disabled";
}
