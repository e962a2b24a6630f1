using System.Text.Json.Serialization;

namespace Vitrine.Api.Security;

/// <summary>Limits on what a request may carry: body size, JSON depth, and no fields the contract does not name.</summary>
public static class InputLimits
{
    /// <summary>Largest request body the API reads (image uploads get their own, larger limit on their endpoint).</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    public const int MaxJsonDepth = 32;

    public static WebApplicationBuilder AddInputLimits(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.MaxDepth = MaxJsonDepth;
            // Mass assignment: a field the request model does not declare (id, role, price, owner…) is an error,
            // not something silently dropped or, worse, bound.
            json.SerializerOptions.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, Json.ApiJson.Default);
        });
        return builder;
    }
}
