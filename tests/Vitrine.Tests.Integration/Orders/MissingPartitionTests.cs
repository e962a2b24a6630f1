using System.Net;
using Microsoft.EntityFrameworkCore;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Integration.Orders;

/// <summary>Its own database: the test removes the current month's partition, as if maintenance had fallen behind.</summary>
public sealed class MissingPartitionTests(CatalogApiFactory api) : IClassFixture<CatalogApiFactory>
{
    [Fact]
    public async Task An_order_in_a_month_without_a_partition_still_succeeds()
    {
        var client = api.CreateClient();
        var (_, buyer) = await client.SignUpAsync();
        var product = await api.ProductAsync(stock: 3);
        var partition = $"orders_{DateTime.UtcNow:yyyy_MM}";
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(api.ConnectionString);
        await using (var drop = dataSource.CreateCommand($"ALTER TABLE orders DETACH PARTITION {partition}; DROP TABLE {partition}"))
        {
            await drop.ExecuteNonQueryAsync();
        }

        var response = await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((product, 1)));

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        await using var exists = dataSource.CreateCommand("SELECT to_regclass($1) IS NOT NULL");
        exists.Parameters.Add(new Npgsql.NpgsqlParameter { Value = partition });
        ((bool)(await exists.ExecuteScalarAsync())!).ShouldBeTrue();
        (await api.QueryAsync(db => db.Products.Where(p => p.Id == product).Select(p => p.Stock).SingleAsync())).ShouldBe(2);
    }
}
