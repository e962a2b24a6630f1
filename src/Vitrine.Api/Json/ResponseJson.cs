using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Options;

namespace Vitrine.Api.Json;

/// <summary>Serializes a response exactly as the endpoint would (the API's HTTP JSON options), for caching as bytes.</summary>
public sealed class ResponseJson(IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> options)
{
    public byte[] Serialize<T>(T value) =>
        JsonSerializer.SerializeToUtf8Bytes(value, (JsonTypeInfo<T>)options.Value.SerializerOptions.GetTypeInfo(typeof(T)));
}
