using Microsoft.Extensions.DependencyInjection;
using Vitrine.Data;
using Vitrine.Data.Seeding;

namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>An API whose database holds the demo catalog.</summary>
public sealed class CatalogApiFactory : ApiFactory
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var scope = Services.CreateScope();
        await DemoCatalog.LoadAsync(scope.ServiceProvider.GetRequiredService<VitrineDbContext>(), TimeProvider.System);
    }
}
