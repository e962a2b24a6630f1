using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Vitrine.Api.Accounts;
using Vitrine.Api.Caching;
using Vitrine.Api.Events;
using Vitrine.Api.Json;
using Vitrine.Data;
using Vitrine.Data.Model;
using ZiggyCreatures.Caching.Fusion;

namespace Vitrine.Api.Catalog;

public static class CatalogApi
{
    public static RouteGroupBuilder MapCatalogApi(this IEndpointRouteBuilder routes)
    {
        var catalog = routes.MapGroup("").WithTags("Catalog");

        catalog.MapGet("/categories", ListCategories)
            .WithName("ListCategories")
            .WithSummary("List every category")
            .WithDescription("Every category with its id, name and slug, in name order; cached, so a change shows within the cache's window.");

        catalog.MapGet("/products", ListProducts)
            .WithName("ListProducts")
            .WithSummary("Browse and search products")
            .WithDescription("Paged (pageSize at most 100). With `q`, full-text search ranked by relevance.")
            .ProducesValidationProblem();

        catalog.MapGet("/products/{id}", GetProduct)
            .WithName("GetProduct")
            .WithSummary("One product by id")
            .WithDescription("Carries an ETag; a matching If-None-Match gets 304.")
            .Produces(StatusCodes.Status304NotModified)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        var admin = catalog.MapGroup("/products").RequireAuthorization(Policies.Admin)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        admin.MapPost("", CreateProduct)
            .WithName("CreateProduct")
            .WithSummary("Create a product (admin)")
            .WithDescription("Answers 201 with the product and its Location; the catalog's caches on every replica forget the lists it joins.")
            .ProducesValidationProblem();

        admin.MapPut("/{id}", ReplaceProduct)
            .WithName("ReplaceProduct")
            .WithSummary("Replace a product (admin)")
            .WithDescription("Send the ETag from GET in If-Match: a stale version gets 412 and changes nothing.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        admin.MapDelete("/{id}", DeleteProduct)
            .WithName("DeleteProduct")
            .WithSummary("Delete a product (admin)")
            .WithDescription("A product that orders refer to cannot be deleted (409); set its stock to 0 instead.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return catalog;
    }

    public static async Task<Ok<List<CategoryResponse>>> ListCategories(
        HttpContext http, VitrineDbContext db, IFusionCache cache, IOptions<CachingOptions> caching, CancellationToken cancellationToken)
    {
        var categories = await cache.GetOrSetAsync(
            CatalogCache.CategoriesKey,
            async ct => await db.Categories.AsNoTracking()
                .OrderBy(c => c.Name)
                .Select(c => new CategoryResponse(c.Id, c.Slug, c.Name))
                .ToListAsync(ct),
            options => options.SetDuration(caching.Value.LongTier).ReadThrough(),
            cancellationToken);
        PublicCaching.Allow(http, caching.Value.SharedMaxAgeSeconds * 12);
        return TypedResults.Ok(categories);
    }

    public static async Task<JsonBytes<ProductPage>> ListProducts(
        [AsParameters] ProductQuery query, HttpContext http, VitrineDbContext db, NpgsqlDataSource dataSource, IFusionCache cache, ResponseJson json,
        IOptions<CachingOptions> caching, CancellationToken cancellationToken)
    {
        var key = string.Create(CultureInfo.InvariantCulture,
            $"products-json:{query.Q?.Trim().ToLowerInvariant()}|{query.Category}|{query.MinPriceCents}|{query.MaxPriceCents}|{query.Sort}|{query.Page}|{query.PageSize}");
        // The page is cached as the JSON it is answered with: a hit writes bytes, it does not serialize 20 products again.
        var page = await cache.GetOrSetAsync(
            key,
            async ct => json.Serialize(await QueryProductsAsync(query, db, dataSource, ct)),
            options => options.SetDuration(caching.Value.ShortTier).ReadThrough(),
            tags: CatalogCache.ProductListsTags,
            token: cancellationToken);
        PublicCaching.Allow(http, caching.Value.SharedMaxAgeSeconds);
        return new JsonBytes<ProductPage>(page);
    }

    private static async Task<ProductPage> QueryProductsAsync(ProductQuery query, VitrineDbContext db, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
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
        var suggestions = total == 0 && search is not null ? await SuggestAsync(dataSource, search, cancellationToken) : null;
        return new ProductPage(items, total, query.Page, query.PageSize, suggestions);
    }

    /// <summary>Up to five product names that resemble the search text word for word (pg_trgm, through its GIN index).</summary>
    private static async Task<List<string>> SuggestAsync(NpgsqlDataSource dataSource, string search, CancellationToken cancellationToken)
    {
        // One batch, one implicit transaction: the looser threshold (0.45, default 0.6) applies to this query only.
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT set_config('pg_trgm.word_similarity_threshold', '0.45', true)"));
        var query = new NpgsqlBatchCommand("""
            SELECT name FROM products WHERE $1 <% name
            GROUP BY name ORDER BY max(word_similarity($1, name)) DESC, name LIMIT 5
            """);
        query.Parameters.Add(new NpgsqlParameter { Value = search });
        batch.BatchCommands.Add(query);
        var names = new List<string>();
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    // The product page's one query: a cache miss is a single statement, read straight into the response.
    private const string ProductSql = """
        SELECT p.id, p.name, p.description, p.price_cents, p.currency, p.stock, c.slug, p.image_key, p.created_at, p.updated_at, p.xmin
        FROM products p JOIN categories c ON c.id = p.category_id
        WHERE p.id = $1
        """;

    public static async Task<Results<JsonBytes<ProductResponse>, StatusCodeHttpResult, NotFound>> GetProduct(
        long id, HttpContext http, PrimaryReads primary, IFusionCache cache, ResponseJson json, IOptions<CachingOptions> caching, CancellationToken cancellationToken)
    {
        // "Not found" is cached too (briefly), so random ids cannot walk past the cache to the database.
        var cached = await cache.GetOrSetAsync<CachedProduct?>(
            CatalogCache.ProductKey(id),
            async (context, ct) =>
            {
                var product = await ReadProductAsync(primary.DataSource, id, json, ct);
                if (product is null)
                {
                    context.Options.Duration = TimeSpan.FromMinutes(1);
                }

                return product;
            },
            options => options.SetDuration(caching.Value.MediumTier).ReadThrough(),
            cancellationToken);
        if (cached is null)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.ETag = ProductVersions.ETag(cached.Version);
        PublicCaching.Allow(http, caching.Value.SharedMaxAgeSeconds);
        return ProductVersions.NotModified(http.Request, cached.Version)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : new JsonBytes<ProductResponse>(cached.Json);
    }

    private static async Task<CachedProduct?> ReadProductAsync(NpgsqlDataSource dataSource, long id, ResponseJson json, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(ProductSql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = id });
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SingleRow, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var response = new ProductResponse(
            reader.GetInt64(0),
            reader.GetString(1),
            reader.GetString(2),
            reader.GetInt64(3),
            reader.GetString(4),
            reader.GetInt32(5),
            reader.GetString(6),
            ProductResponse.ImageUrlOf(reader.IsDBNull(7) ? null : reader.GetString(7)),
            reader.GetFieldValue<DateTimeOffset>(8),
            reader.GetFieldValue<DateTimeOffset>(9));
        return new CachedProduct(json.Serialize(response), reader.GetFieldValue<uint>(10));
    }

    public static async Task<Results<Created<ProductResponse>, ValidationProblem>> CreateProduct(
        ProductRequest request, HttpContext http, VitrineDbContext db, IFusionCache cache, TimeProvider clock, CancellationToken cancellationToken)
    {
        var category = await db.Categories.SingleOrDefaultAsync(c => c.Slug == request.Category, cancellationToken);
        if (category is null)
        {
            return UnknownCategory(request.Category);
        }

        var now = clock.GetUtcNow();
        var product = new Product
        {
            Name = request.Name.Trim(),
            Description = request.Description.Trim(),
            PriceCents = request.PriceCents,
            Currency = request.Currency,
            Stock = request.Stock,
            CategoryId = category.Id,
            CreatedAt = now,
            UpdatedAt = now,
        };
        // The product and its event commit together; the event needs the id the first save assigns.
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            db.Products.Add(product);
            await db.SaveChangesAsync(ct);
            Outbox.Add(db, EventTypes.ProductChanged, new ProductEvent(product.Id, now), now);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }, cancellationToken);
        await cache.ForgetProductAsync(product.Id, cancellationToken);
        http.Response.Headers.ETag = ProductVersions.ETag(product.Version);
        return TypedResults.Created($"/api/v1/products/{product.Id}", ProductResponse.From(product, category.Slug));
    }

    public static async Task<Results<Ok<ProductResponse>, NotFound, ValidationProblem, ProblemHttpResult>> ReplaceProduct(
        long id, ProductRequest request, HttpContext http, VitrineDbContext db, IFusionCache cache, TimeProvider clock, CancellationToken cancellationToken)
    {
        var product = await db.Products.SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (product is null)
        {
            return TypedResults.NotFound();
        }

        if (!ProductVersions.Matches(http.Request, product.Version))
        {
            return StaleVersion();
        }

        var category = await db.Categories.SingleOrDefaultAsync(c => c.Slug == request.Category, cancellationToken);
        if (category is null)
        {
            return UnknownCategory(request.Category);
        }

        product.Name = request.Name.Trim();
        product.Description = request.Description.Trim();
        product.PriceCents = request.PriceCents;
        product.Currency = request.Currency;
        product.Stock = request.Stock;
        product.CategoryId = category.Id;
        product.UpdatedAt = clock.GetUtcNow();
        Outbox.Add(db, EventTypes.ProductChanged, new ProductEvent(product.Id, product.UpdatedAt), product.UpdatedAt);
        try
        {
            // xmin is the concurrency token: an edit committed since we read the row makes this a 412, not a lost update.
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return StaleVersion();
        }

        await cache.ForgetProductAsync(product.Id, cancellationToken);
        http.Response.Headers.ETag = ProductVersions.ETag(product.Version);
        return TypedResults.Ok(ProductResponse.From(product, category.Slug));
    }

    public static async Task<Results<NoContent, NotFound, ProblemHttpResult>> DeleteProduct(long id, VitrineDbContext db, IFusionCache cache, CancellationToken cancellationToken)
    {
        try
        {
            var deleted = await db.Products.Where(p => p.Id == id).ExecuteDeleteAsync(cancellationToken);
            if (deleted == 0)
            {
                return TypedResults.NotFound();
            }

            await cache.ForgetProductAsync(id, cancellationToken);
            return TypedResults.NoContent();
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Orders refer to this product; set its stock to 0 instead of deleting it.");
        }
    }

    private static ValidationProblem UnknownCategory(string slug) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["category"] = [$"There is no category '{slug}'."] });

    private static ProblemHttpResult StaleVersion() =>
        TypedResults.Problem(statusCode: StatusCodes.Status412PreconditionFailed, title: "The product has changed since you read it; GET it again and retry with the new ETag.");
}
