using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Vitrine.Data;

/// <summary>
/// The one deliberate migration step: run by `vitrine up` (and the test fixtures) before any replica starts,
/// never by the replicas themselves. EF Core's migration lock makes a concurrent second run wait, not race.
/// </summary>
public static class DatabaseMigrator
{
    public static async Task MigrateAsync(string connectionString, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        await using var dataSource = VitrineDataSource.Create(connectionString, new DatabaseOptions { MinPoolSize = 0, MaxPoolSize = 4 });
        await using (var db = CreateContext(dataSource))
        {
            await db.Database.MigrateAsync(cancellationToken);
        }

        await OrderPartitions.MaintainAsync(dataSource, clock, cancellationToken);
    }

    public static VitrineDbContext CreateContext(NpgsqlDataSource dataSource)
    {
        var options = new DbContextOptionsBuilder<VitrineDbContext>();
        VitrineDataSource.Configure(options, dataSource);
        return new VitrineDbContext(options.Options);
    }
}
