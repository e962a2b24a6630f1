using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Vitrine.Api.Json;

/// <summary>
/// A 200 JSON body serialized once — when it entered the cache — and written as it is on every hit, instead of being
/// serialized again per request. OpenAPI documents it as <typeparamref name="T"/>, the type it was serialized from.
/// </summary>
public sealed class JsonBytes<T>(ReadOnlyMemory<byte> utf8) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
    public const string JsonContentType = "application/json; charset=utf-8";

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => JsonContentType;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = JsonContentType;
        response.ContentLength = utf8.Length;
        return response.Body.WriteAsync(utf8, httpContext.RequestAborted).AsTask();
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "IEndpointMetadataProvider's member is static by design.")]
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}
