using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vitrine.Data;
using Vitrine.Data.Model;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Integration.Orders;

internal static class OrderTestKit
{
    public static Task<HttpResponseMessage> PlaceAsync(this HttpClient client, string accessToken, object body, string? key = "generate")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/orders", UriKind.Relative)) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key == "generate" ? Guid.NewGuid().ToString() : key);
        }

        return client.SendAsync(request);
    }

    public static object Lines(params (long ProductId, int Quantity)[] lines) =>
        new { items = lines.Select(l => new { productId = l.ProductId, quantity = l.Quantity }).ToArray() };

    /// <summary>A fresh product with the given stock, made directly in the database.</summary>
    public static async Task<long> ProductAsync(this ApiFactory api, int stock, long priceCents = 1_500, string currency = "USD")
    {
        using var scope = api.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<VitrineDbContext>();
        var category = await db.Categories.FirstOrDefaultAsync();
        if (category is null)
        {
            category = new Category { Slug = "test", Name = "Test" };
            db.Categories.Add(category);
        }
        var product = new Product
        {
            Name = $"Test product {Guid.NewGuid():N}",
            Description = "For the orders tests.",
            PriceCents = priceCents,
            Currency = currency,
            Stock = stock,
            Category = category,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        db.Products.Add(product);
        await db.SaveChangesAsync();
        return product.Id;
    }

    public static async Task<T> QueryAsync<T>(this ApiFactory api, Func<VitrineDbContext, Task<T>> query)
    {
        using var scope = api.Services.CreateScope();
        return await query(scope.ServiceProvider.GetRequiredService<VitrineDbContext>());
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();
}
