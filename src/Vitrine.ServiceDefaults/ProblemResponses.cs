using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Vitrine.ServiceDefaults;

/// <summary>Every error is RFC 9457 problem+json with a traceId, and nothing internal ever leaks into one.</summary>
public static class ProblemResponses
{
    public static WebApplicationBuilder AddProblemResponses(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
            if (context.ProblemDetails is HttpValidationProblemDetails validation)
            {
                CamelCaseErrorKeys(validation.Errors);
            }
        });
        builder.Services.AddExceptionHandler<ProblemDetailsExceptionHandler>();
        return builder;
    }

    /// <summary>
    /// The API speaks camelCase JSON, so the errors map names fields as the client sent them ("pageSize"), and so do
    /// the messages ("The field pageSize must be between 1 and 100.", not the C# property's "PageSize").
    /// </summary>
    private static void CamelCaseErrorKeys(IDictionary<string, string[]> errors)
    {
        foreach (var key in errors.Keys.ToList())
        {
            var camel = string.Join('.', key.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));
            if (camel != key)
            {
                var (from, to) = (key.Split('.')[^1], camel.Split('.')[^1]);
                string[] messages = [.. errors[key].Select(message => Regex.Replace(message, $@"\b{Regex.Escape(from)}\b", to, RegexOptions.None, TimeSpan.FromSeconds(1)))];
                errors[camel] = errors.TryGetValue(camel, out var existing) ? [.. existing, .. messages] : messages;
                errors.Remove(key);
            }
        }
    }
}

/// <summary>
/// The single place exceptions become responses: a client's malformed request keeps its 4xx status, everything
/// else is a 500 that says only that something went wrong (the details go to the log, with the trace id).
/// </summary>
public sealed partial class ProblemDetailsExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemDetailsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large." : "The request is malformed."),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => (499, "Client closed request."),
            _ => (StatusCodes.Status500InternalServerError, "An unexpected error occurred."),
        };

        if (status >= 500)
        {
            logger.LogError(exception, "Unhandled exception on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }

        httpContext.Response.StatusCode = status;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = null, // never let the exception reach the body
            ProblemDetails = { Status = status, Title = title },
        });
    }
}
