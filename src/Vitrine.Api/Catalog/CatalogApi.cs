using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Vitrine.Data;

namespace Vitrine.Api.Catalog;

public static class CatalogApi
{
    public static RouteGroupBuilder MapCatalogApi(this IEndpointRouteBuilder routes)
    {
        var catalog = routes.MapGroup("").WithTags("Catalog");

        catalog.MapGet("/categories", ListCategories)
            .WithName("ListCategories")
            .WithSummary("List every category");

        catalog.MapGet("/products", ListProducts)
            .WithName("ListProducts")
            .WithSummary("Browse and search products")
            .WithDescription("Paged (pageSize at most 100). With `q`, full-text search ranked by relevance.")
            .ProducesValidationProblem();

        catalog.MapGet("/products/{id}", GetProduct)
            .WithName("GetProduct")
            .WithSummary("One product by id")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return catalog;
    }

    public static async Task<Ok<List<CategoryResponse>>> ListCategories(VitrineDbContext db, CancellationToken cancellationToken)
    {
        var categories = await db.Categories.AsNoTracking()
            .OrderBy(c => c.Name)
            .Select(c => new CategoryResponse(c.Id, c.Slug, c.Name))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(categories);
    }

    public static async Task<Ok<PagedResponse<ProductResponse>>> ListProducts(
        [AsParameters] ProductQuery query, VitrineDbContext db, CancellationToken cancellationToken)
    {
        var products = db.Products.AsNoTracking();
        var search = string.IsNullOrWhiteSpace(query.Q) ? null : query.Q.Trim();
        if (search is not null)
        {
            products = products.Where(p => p.SearchVector.Matches(EF.Functions.WebSearchToTsQuery("english", search)));
        }

        if (!string.IsNullOrWhiteSpace(query.Category))
        {
            products = products.Where(p => p.Category!.Slug == query.Category);
        }

        if (query.MinPriceCents is { } min)
        {
            products = products.Where(p => p.PriceCents >= min);
        }

        if (query.MaxPriceCents is { } max)
        {
            products = products.Where(p => p.PriceCents <= max);
        }

        var sort = query.Sort ?? (search is null ? "newest" : "relevance");
        products = sort switch
        {
            "price_asc" => products.OrderBy(p => p.PriceCents).ThenBy(p => p.Id),
            "price_desc" => products.OrderByDescending(p => p.PriceCents).ThenBy(p => p.Id),
            "relevance" when search is not null => products
                .OrderByDescending(p => p.SearchVector.Rank(EF.Functions.WebSearchToTsQuery("english", search)))
                .ThenBy(p => p.Id),
            _ => products.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id),
        };

        var total = await products.LongCountAsync(cancellationToken);
        var page = await products
            .Skip((query.Page - 1) * query.PageSize)
            .Take(query.PageSize)
            .Select(p => new { Product = p, CategorySlug = p.Category!.Slug })
            .ToListAsync(cancellationToken);

        var items = page.Select(row => ProductResponse.From(row.Product, row.CategorySlug)).ToList();
        return TypedResults.Ok(new PagedResponse<ProductResponse>(items, total, query.Page, query.PageSize));
    }

    public static async Task<Results<Ok<ProductResponse>, NotFound>> GetProduct(long id, VitrineDbContext db, CancellationToken cancellationToken)
    {
        var row = await db.Products.AsNoTracking()
            .Where(p => p.Id == id)
            .Select(p => new { Product = p, CategorySlug = p.Category!.Slug })
            .SingleOrDefaultAsync(cancellationToken);
        return row is null
            ? TypedResults.NotFound()
            : TypedResults.Ok(ProductResponse.From(row.Product, row.CategorySlug));
    }
}
