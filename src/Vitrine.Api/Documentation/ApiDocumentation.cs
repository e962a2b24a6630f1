using Microsoft.OpenApi;
using Scalar.AspNetCore;
using Vitrine.ServiceDefaults;

namespace Vitrine.Api.Documentation;

/// <summary>OpenAPI 3.1 at /openapi/v1.json and the interactive reference (Scalar) at /docs.</summary>
public static class ApiDocumentation
{
    public static WebApplicationBuilder AddApiDocumentation(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi("v1", options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Vitrine API",
                    Version = "v1",
                    Description = "The storefront's HTTP API: catalog, accounts and orders. Errors are RFC 9457 problem+json.",
                };
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    public static WebApplication MapApiDocumentation(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/docs", options => options
                .WithTitle("Vitrine API")
                .WithOpenApiRoutePattern("/openapi/{documentName}.json"))
            .WithSecurityHeadersPolicy(SecurityHeaders.DocsPolicy);
        return app;
    }
}
