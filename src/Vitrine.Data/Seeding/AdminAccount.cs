using Microsoft.EntityFrameworkCore;
using Vitrine.Data.Model;

namespace Vitrine.Data.Seeding;

public static class AdminAccount
{
    /// <summary>Creates the admin account unless a user with that e-mail exists. Returns true when created.</summary>
    public static async Task<bool> EnsureAsync(VitrineDbContext db, string email, string passwordHash, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        if (await db.Users.AnyAsync(u => u.Email == email, cancellationToken))
        {
            return false;
        }

        var now = clock.GetUtcNow();
        db.Users.Add(new User
        {
            Email = email,
            PasswordHash = passwordHash,
            Name = "Administrator",
            Role = Roles.Admin,
            CreatedAt = now,
            UpdatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
