using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vitrine.Api.Accounts;
using Vitrine.Api.Caching;
using Vitrine.Api.Catalog;
using Vitrine.Api.Events;
using Vitrine.Data;
using Vitrine.Data.Model;
using ZiggyCreatures.Caching.Fusion;

namespace Vitrine.Api.Images;

public static partial class ImagesApi
{
    public const int DefaultWidth = 640;

    public static WebApplicationBuilder AddProductImages(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ImageOptions>().Bind(builder.Configuration.GetSection(ImageOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IBlobStore>(sp => string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<ImageOptions>>().Value.S3.Bucket)
            ? ActivatorUtilities.CreateInstance<LocalDirectoryBlobStore>(sp)
            : ActivatorUtilities.CreateInstance<S3BlobStore>(sp));
        builder.Services.AddScoped<ProductImages>();
        builder.Services.AddScoped<DemoPictures>();
        builder.Services.AddHostedService<DemoPicturesOnStart>();
        return builder;
    }

    public static IEndpointRouteBuilder MapProductImageUpload(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/products/{id}/image", Upload)
            .WithTags("Catalog")
            .WithName("UploadProductImage")
            .WithSummary("Upload a product's image (admin; multipart field \"file\"; JPEG, PNG, WebP or AVIF, at most 5 MB)")
            .WithDescription("The file is decoded and re-encoded (never served as sent): its type is read from its bytes, not its name, "
                + "and dimensions are bounded before it is decoded. The answer carries the product with its new fingerprinted image URL.")
            .RequireAuthorization(Policies.Admin)
            .DisableAntiforgery() // bearer-token API: no cookies, so no cross-site request to forge
                                  // This endpoint's body limit is the configured upload size (plus multipart framing), not the API's 1 MiB.
            .WithMetadata(new RequestSizeLimitAttribute(routes.ServiceProvider.GetRequiredService<IOptions<ImageOptions>>().Value.MaxUploadBytes + (64 * 1024)))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return routes;
    }

    public static IEndpointRouteBuilder MapProductImages(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/images/{key}", Serve)
            .WithTags("Catalog")
            .WithName("GetImage")
            .WithSummary("A product image as AVIF, WebP or JPEG (by the Accept header), resized to ?w= (160–1920)")
            .WithDescription("URLs are fingerprinted by content, so responses are immutable and cached for a year.")
            .Produces(StatusCodes.Status200OK, contentType: "image/avif")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    public static async Task<Results<Ok<ProductResponse>, NotFound, ValidationProblem, ProblemHttpResult>> Upload(
        long id, IFormFile? file, VitrineDbContext db, ProductImages images, IFusionCache cache, IOptions<ImageOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (file is null || file.Length == 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Attach the image as the multipart field \"file\"."] });
        }

        if (file.Length > options.Value.MaxUploadBytes)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: $"Images may be at most {options.Value.MaxUploadBytes / (1024 * 1024)} MB.");
        }

        var product = await db.Products.Include(p => p.Category).SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (product is null)
        {
            return TypedResults.NotFound();
        }

        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, cancellationToken);
        var result = await images.StoreAsync(buffer.ToArray(), cancellationToken);
        if (result is ProductImages.Rejected rejected)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = [rejected.Reason] });
        }

        await AttachAsync(product, ((ProductImages.Stored)result).Key, db, cache, clock, cancellationToken);
        return TypedResults.Ok(ProductResponse.From(product, product.Category!.Slug));
    }

    /// <summary>Gives the product its stored image: saved with a change event, and every replica's caches forget it.</summary>
    public static async Task AttachAsync(Product product, string key, VitrineDbContext db, IFusionCache cache, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        product.ImageKey = key;
        product.UpdatedAt = now;
        Outbox.Add(db, EventTypes.ProductChanged, new ProductEvent(product.Id, now), now);
        await db.SaveChangesAsync(cancellationToken);
        await cache.ForgetProductAsync(product.Id, cancellationToken);
    }

    public static async Task<Results<FileContentHttpResult, NotFound, ValidationProblem>> Serve(
        string key, HttpContext http, ProductImages images, CancellationToken cancellationToken, int w = DefaultWidth)
    {
        if (!ImageKey().IsMatch(key))
        {
            return TypedResults.NotFound();
        }

        if (!ProductImages.Widths.Contains(w))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["w"] = [$"Width must be one of {string.Join(", ", ProductImages.Widths)}."] });
        }

        var format = ProductImages.Negotiate(http.Request.Headers.Accept.ToString());
        var bytes = await images.VariantAsync(key, w, format, cancellationToken);
        if (bytes is null)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        http.Response.Headers.Vary = "Accept";
        return TypedResults.File(bytes, ProductImages.ContentType(format));
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex ImageKey();
}
