using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Vitrine.Api.Documentation;

/// <summary>
/// Declares the bearer scheme and, from each endpoint's own authorization metadata (not a list kept by hand), who may
/// call an operation: the scheme with 401 (and 403 where a role is required) for a protected one, the empty
/// requirement (anonymous) for the rest; every operation also lists the rate limiter's 429. A generated client then
/// knows which calls need a token.
/// </summary>
public sealed class SecurityRequirements : IOpenApiOperationTransformer
{
    public const string Scheme = "bearer";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        var anonymous = authorize.Count == 0 || metadata.OfType<IAllowAnonymous>().Any();

        if (anonymous)
        {
            // Microsoft.OpenApi leaves an empty list out, so anonymous is written as the one empty requirement: [{}].
            operation.Security = [new OpenApiSecurityRequirement()];
        }
        else
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
            document.Components.SecuritySchemes.TryAdd(Scheme, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "The accessToken from POST /api/v1/auth/login or /auth/refresh (15 minutes), as `Authorization: Bearer <accessToken>`.",
            });
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Scheme, document)] = [] }];
            Answer(operation, document, StatusCodes.Status401Unauthorized, "No valid access token: sign in (or refresh) and send it as a bearer token.");
            if (authorize.Any(data => data.Policy == Accounts.Policies.Admin || !string.IsNullOrEmpty(data.Roles)))
            {
                Answer(operation, document, StatusCodes.Status403Forbidden, "The token is valid but its account is not an admin.");
            }
        }

        var tooMany = Answer(operation, document, StatusCodes.Status429TooManyRequests, "Too many requests from this client: wait the Retry-After header's seconds.");
        tooMany.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.OrdinalIgnoreCase);
        tooMany.Headers.TryAdd("Retry-After", new OpenApiHeader
        {
            Description = "Seconds until the client may call again.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1" },
        });
        return Task.CompletedTask;
    }

    /// <summary>Adds a problem+json answer unless the endpoint declared that status itself; the framework's own
    /// description ("Unauthorized") is replaced by one that says what to do.</summary>
    private static OpenApiResponse Answer(OpenApiOperation operation, OpenApiDocument document, int status, string description)
    {
        operation.Responses ??= [];
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses.TryGetValue(key, out var declared) && declared is OpenApiResponse response)
        {
            response.Description = description;
            return response;
        }

        var added = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
            {
                ["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
            },
        };
        operation.Responses[key] = added;
        return added;
    }
}
