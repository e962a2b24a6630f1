using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NetVips;
using Vitrine.Api.Images;
using Vitrine.Data.Seeding;
using Vitrine.Tests.Integration.Infrastructure;
using Vitrine.Tests.Integration.Orders;

namespace Vitrine.Tests.Integration.Catalog;

/// <summary>
/// Issue 18's demo images: every demo product gets a picture painted on the machine and stored through the upload
/// pipeline, served as AVIF/WebP/JPEG variants; pictures differ by category and material; a product that is not a
/// demo product, or already has an image, is left alone; a second run paints nothing.
/// </summary>
public sealed class DemoPicturesTests(CatalogApiFactory api) : IClassFixture<CatalogApiFactory>
{
    private readonly HttpClient client = api.CreateClient();

    [Fact]
    public async Task Every_demo_product_gets_its_own_picture_through_the_image_pipeline_once()
    {
        var other = await api.ProductAsync(stock: 1);
        var painted = await RunAsync();
        painted.ShouldBe(DemoCatalog.Products.Count);
        (await RunAsync()).ShouldBe(0);

        var urls = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var page = 1; ; page++)
        {
            var items = (await client.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/products?page={page}&pageSize=100", UriKind.Relative))).GetProperty("items");
            if (items.GetArrayLength() == 0)
            {
                break;
            }

            foreach (var item in items.EnumerateArray().Where(i => i.GetProperty("id").GetInt64() != other))
            {
                urls[item.GetProperty("name").GetString()!] = item.GetProperty("imageUrl").GetString().ShouldNotBeNull(item.ToString());
            }
        }

        urls.Count.ShouldBe(DemoCatalog.Products.Select(p => p.Name).Distinct().Count());
        (await client.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/products/{other}", UriKind.Relative))).GetProperty("imageUrl").ValueKind.ShouldBe(JsonValueKind.Null);

        // Different categories, and different materials within one, make different pictures.
        var lamps = DemoCatalog.Products.Where(p => p.CategorySlug == "home").GroupBy(p => p.Material).Select(g => g.First()).Take(2).ToList();
        var kettle = DemoCatalog.Products.First(p => p.CategorySlug == "kitchen" && p.Material == lamps[0].Material);
        new[] { urls[lamps[0].Name], urls[lamps[1].Name], urls[kettle.Name] }.Distinct().Count().ShouldBe(3);

        // Served as any upload is: a 320-wide AVIF variant, and a JPEG for a client that asks for nothing else.
        using var avif = new HttpRequestMessage(HttpMethod.Get, new Uri($"{urls[kettle.Name]}?w=320", UriKind.Relative));
        avif.Headers.Accept.ParseAdd("image/avif,image/webp,*/*");
        using var served = await client.SendAsync(avif);
        served.StatusCode.ShouldBe(HttpStatusCode.OK);
        served.Content.Headers.ContentType!.MediaType.ShouldBe("image/avif");
        using var jpeg = await client.GetAsync(new Uri($"{urls[kettle.Name]}?w=320", UriKind.Relative));
        using var picture = Image.NewFromBuffer(await jpeg.Content.ReadAsByteArrayAsync());
        picture.Width.ShouldBe(320);
        picture.Height.ShouldBe(240); // 4:3, as the storefront shows it
        picture.Bands.ShouldBe(3);
        // Not a flat tile: the object stands out from its backdrop.
        picture.Deviate().ShouldBeGreaterThan(10);
    }

    private async Task<int> RunAsync()
    {
        using var scope = api.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<DemoPictures>().PaintMissingAsync(CancellationToken.None);
    }
}
