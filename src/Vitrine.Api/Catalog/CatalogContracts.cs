using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Vitrine.Data.Model;
using Vitrine.ServiceDefaults;

namespace Vitrine.Api.Catalog;

public sealed record CategoryResponse(long Id, string Slug, string Name);

public sealed record ProductResponse(
    long Id,
    string Name,
    string Description,
    long PriceCents,
    string Currency,
    int Stock,
    string Category,
    string? ImageUrl,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ProductResponse From(Product product, string categorySlug) => new(
        product.Id,
        product.Name,
        product.Description,
        product.PriceCents,
        product.Currency,
        product.Stock,
        categorySlug,
        ImageUrlOf(product.ImageKey),
        product.CreatedAt,
        product.UpdatedAt);

    /// <summary>Where a product's picture is served, or null when it has none.</summary>
    public static string? ImageUrlOf(string? imageKey) => imageKey is null ? null : $"/images/{imageKey}";
}

/// <summary>A product as the cache keeps it: the response's JSON (a <see cref="ProductResponse"/>) and the row version behind its ETag.</summary>
public sealed record CachedProduct(byte[] Json, uint Version);

/// <summary>A page of products; when a search finds nothing, product names close to what was typed (pg_trgm).</summary>
public sealed record ProductPage(
    IReadOnlyList<ProductResponse> Items,
    long Total,
    int Page,
    int PageSize,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<string>? Suggestions = null);

/// <summary>Query of GET /api/v1/products; validated before the handler runs (400 with an errors map).</summary>
public sealed record ProductQuery(
    [property: Description("Full-text search (PostgreSQL websearch_to_tsquery syntax), ranked by relevance.")]
    [property: StringLength(200)]
    string? Q = null,
    [property: Description("A category slug.")]
    [property: StringLength(80)]
    string? Category = null,
    [property: Range(0, long.MaxValue)] long? MinPriceCents = null,
    [property: Range(0, long.MaxValue)] long? MaxPriceCents = null,
    [property: Description("relevance (default when q is given), newest (default otherwise), price_asc or price_desc.")]
    [property: OneOf(null, "relevance", "newest", "price_asc", "price_desc")]
    string? Sort = null,
    [property: Range(1, 100_000)] int Page = 1,
    [property: Range(1, ProductQuery.MaxPageSize)] int PageSize = 20)
{
    public const int MaxPageSize = 100;
}

/// <summary>What an admin sends to create or replace a product; id, timestamps and version are the server's.</summary>
public sealed record ProductRequest(
    [property: Required, StringLength(200, MinimumLength = 1)] string Name,
    [property: Required(AllowEmptyStrings = true), StringLength(4000)] string Description,
    [property: Range(0, 100_000_000_000)] long PriceCents,
    [property: Required, RegularExpression("^[A-Z]{3}$", ErrorMessage = "The field Currency must be an ISO 4217 code such as USD.")] string Currency,
    [property: Range(0, 10_000_000)] int Stock,
    [property: Required, StringLength(80, MinimumLength = 1)] string Category);
