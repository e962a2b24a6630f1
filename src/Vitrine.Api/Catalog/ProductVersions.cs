using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace Vitrine.Api.Catalog;

/// <summary>ETags from the product's row version (PostgreSQL xmin), for conditional GETs and If-Match on PUT.</summary>
public static class ProductVersions
{
    public static string ETag(uint version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>True when the request's If-None-Match names the current version (so a 304 will do).</summary>
    public static bool NotModified(HttpRequest request, uint version) =>
        request.Headers.IfNoneMatch.Any(value => value is not null && EntityTagHeaderValue.ParseList([value]).Any(tag => tag.Tag == ETag(version) || tag == EntityTagHeaderValue.Any));

    /// <summary>False when If-Match is present and names neither the current version nor "*".</summary>
    public static bool Matches(HttpRequest request, uint version)
    {
        if (request.Headers.IfMatch.Count == 0)
        {
            return true;
        }

        return request.Headers.IfMatch.Any(value => value is not null && EntityTagHeaderValue.ParseList([value]).Any(tag => tag == EntityTagHeaderValue.Any || (!tag.IsWeak && tag.Tag == ETag(version))));
    }
}
