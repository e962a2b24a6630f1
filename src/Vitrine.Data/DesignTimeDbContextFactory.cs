using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Vitrine.Data;

/// <summary>Lets `dotnet ef migrations add` build the model without a running database.</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<VitrineDbContext>
{
    public VitrineDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<VitrineDbContext>()
            .UseNpgsql("Host=localhost;Database=vitrine_design")
            .UseSnakeCaseNamingConvention()
            .Options;
        return new VitrineDbContext(options);
    }
}
