using Microsoft.Net.Http.Headers;

namespace Vitrine.Api.Security;

/// <summary>
/// A response to a request that carried credentials is about one user: no shared cache (nginx, a CDN, a proxy) may
/// keep it, and the browser should not store it either.
/// </summary>
public static class PrivateResponses
{
    public static IApplicationBuilder UsePrivateResponsesForCredentials(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            if (http.Request.Headers.ContainsKey(HeaderNames.Authorization) || http.Request.Cookies.Count > 0)
            {
                http.Response.OnStarting(() =>
                {
                    http.Response.Headers.CacheControl = "private, no-store";
                    return Task.CompletedTask;
                });
            }

            return next(http);
        });
}
