namespace Vitrine.Web.Api;

// The API's JSON shapes (CONTRACT §3), as the Web reads them over HTTP. The Web never references the API's assembly.

public sealed record Category(long Id, string Slug, string Name);

public sealed record Product(
    long Id,
    string Name,
    string Description,
    long PriceCents,
    string Currency,
    int Stock,
    string Category,
    string? ImageUrl,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record ProductPage(IReadOnlyList<Product> Items, long Total, int Page, int PageSize, IReadOnlyList<string>? Suggestions);

/// <summary>A product with the ETag an edit must send back in If-Match.</summary>
public sealed record VersionedProduct(Product Product, string? ETag);

public sealed record ProductQuery(string? Q, string? Category, long? MinPriceCents, long? MaxPriceCents, string? Sort, int Page, int PageSize);

public sealed record ProductInput(string Name, string Description, long PriceCents, string Currency, int Stock, string Category);

public sealed record Tokens(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType);

public sealed record UserProfile(long Id, string Email, string Name, string Role, DateTimeOffset CreatedAt);

public sealed record OrderLine(long ProductId, int Quantity);

public sealed record OrderItem(long ProductId, string Name, int Quantity, long UnitPriceCents);

public sealed record Order(long Id, string Status, long TotalCents, string Currency, DateTimeOffset CreatedAt, IReadOnlyList<OrderItem> Items);

public sealed record OrderPage(IReadOnlyList<Order> Items, string? NextCursor);
