using ZiggyCreatures.Caching.Fusion;

namespace Vitrine.Api.Caching;

public static class PublicCaching
{
    /// <summary>
    /// Lets shared caches (nginx's proxy_cache, a CDN) keep an anonymous public response briefly. A request that
    /// carried credentials gets "private, no-store" instead (see PrivateResponses), whatever is set here.
    /// </summary>
    public static void Allow(HttpContext http, int maxAgeSeconds) =>
        http.Response.Headers.CacheControl = $"public, max-age={maxAgeSeconds}";

    /// <summary>Evicts a product everywhere: its entry (L1 on every replica through the backplane, L2) and every listing.</summary>
    public static async Task ForgetProductAsync(this IFusionCache cache, long productId, CancellationToken cancellationToken)
    {
        await cache.ForgetAsync(CatalogCache.ProductKey(productId), cancellationToken);
        await cache.RemoveByTagAsync(CatalogCache.ProductListsTag, SynchronousRedis, cancellationToken);
    }

    /// <summary>
    /// Removes an entry from memory and from Redis before returning: were the Redis removal left to the background, a
    /// read in between could copy the old value from Redis back into memory for a whole TTL.
    /// </summary>
    public static ValueTask ForgetAsync(this IFusionCache cache, string key, CancellationToken cancellationToken) =>
        cache.RemoveAsync(key, SynchronousRedis, cancellationToken);

    private static readonly FusionCacheEntryOptions SynchronousRedis = new()
    {
        AllowBackgroundDistributedCacheOperations = false,
        DistributedCacheHardTimeout = TimeSpan.FromSeconds(1),
    };
}
