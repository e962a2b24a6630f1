using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Infrastructure;
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
                    Description = "The storefront's HTTP API: catalog, accounts and orders. Errors are RFC 9457 problem+json. "
                        + "Calls marked with the bearer scheme need `Authorization: Bearer <accessToken>` from POST /api/v1/auth/login; "
                        + "every call may answer 429 with Retry-After when its client exceeds the rate limit.",
                };
                // The server is the address the document was asked through ("https://shop.example/"), without the
                // trailing slash: a client joins it with paths that begin with one.
                foreach (var server in document.Servers ?? [])
                {
                    server.Url = server.Url is { Length: > 1 } url ? url.TrimEnd('/') : server.Url;
                }

                foreach (var tag in document.Tags ?? Enumerable.Empty<OpenApiTag>())
                {
                    tag.Description = tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description) ? description : tag.Description;
                }

                return Task.CompletedTask;
            });
            options.AddOperationTransformer<SecurityRequirements>();
            // Query parameters bound from a record ([AsParameters] ProductQuery) are named after its C# properties
            // ("PageSize"); the contract, and what the API reads (case-insensitively), is camelCase ("pageSize").
            options.AddOperationTransformer((operation, _, _) =>
            {
                foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
                {
                    if (parameter.In == ParameterLocation.Query && !string.IsNullOrEmpty(parameter.Name))
                    {
                        parameter.Name = JsonNamingPolicy.CamelCase.ConvertName(parameter.Name);
                    }
                }

                return Task.CompletedTask;
            });
            // The framework does not turn AllowedValues into an enum: a field with [OneOf] gets its values listed, so
            // a generated client knows them (and they match the 400's message).
            options.AddSchemaTransformer((schema, context, _) =>
            {
                var oneOf = context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(OneOfAttribute), inherit: true).OfType<OneOfAttribute>().FirstOrDefault()
                    ?? (context.ParameterDescription?.ParameterDescriptor as IParameterInfoParameterDescriptor)?.ParameterInfo.GetCustomAttribute<OneOfAttribute>();
                if (oneOf is not null)
                {
                    schema.Enum = [.. oneOf.Listed.Select(value => (JsonNode)JsonValue.Create(value))];
                }

                return Task.CompletedTask;
            });
        });
        return builder;
    }

    private static readonly Dictionary<string, string> TagDescriptions = new(StringComparer.Ordinal)
    {
        ["Catalog"] = "Categories, products (browse and full-text search) and their images; writes are for admins.",
        ["Accounts"] = "Registration, sign-in with a short-lived access token and a rotating refresh token, and the caller's profile.",
        ["Orders"] = "The caller's orders: placing one (idempotent by its Idempotency-Key), its history, cancelling, live status.",
        ["Orders (admin)"] = "Every order, status changes and today's live counter, for admins.",
        ["Reports (admin)"] = "Sales reports made by a background job: request one, then poll it.",
    };

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
