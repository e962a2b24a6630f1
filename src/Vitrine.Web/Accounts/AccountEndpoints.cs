using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc;

namespace Vitrine.Web.Accounts;

/// <summary>Account endpoints that are not pages: signing out (a form POST) and the live order-status stream.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/logout", LogoutAsync);
        routes.MapGet("/account/orders/events", OrderEventsAsync).RequireAuthorization();
        return routes;
    }

    /// <summary>Bound from the form, so the anti-forgery token is checked: no other site can sign a shopper out.</summary>
    private static async Task<IResult> LogoutAsync([FromForm(Name = "returnUrl")] string? returnUrl, SignedInUser user, CancellationToken cancellationToken)
    {
        await user.SignOutAsync(cancellationToken);
        return TypedResults.LocalRedirect(Components.Ui.LocalUrl.OrHome(returnUrl));
    }

    /// <summary>
    /// The API's server-sent events of the shopper's orders, relayed: the browser has no API token (it stays on the
    /// server), so the Web opens the stream with it and passes the events through as they come.
    /// </summary>
    private static async Task OrderEventsAsync(HttpContext http, SignedInUser user, IHttpClientFactory clients, CancellationToken cancellationToken)
    {
        var token = await user.GetAccessTokenAsync(cancellationToken);
        if (token is null)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("api/v1/users/me/orders/events", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await clients.CreateClient(Storefront.EventStreamClient).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            http.Response.StatusCode = StatusCodes.Status502BadGateway;
            return;
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Accel-Buffering"] = "no"; // nginx: pass events through as they come
        await using var events = await response.Content.ReadAsStreamAsync(cancellationToken);
        await events.CopyToAsync(http.Response.Body, cancellationToken);
    }
}
