using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Vitrine.Web.Api;

namespace Vitrine.Web.Accounts;

/// <summary>Admin form targets that are not pages: deleting a product (a POST per row, anti-forgery checked).</summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/admin/products/{id:long}/delete", DeleteProductAsync).RequireAuthorization(policy => policy.RequireRole(WebClaims.AdminRole));
        return routes;
    }

    // The form field is bound so that anti-forgery validation applies (it is on for endpoints that read forms).
    private static async Task<IResult> DeleteProductAsync(long id, [FromForm(Name = "__RequestVerificationToken")] string? token, SignedInUser user, VitrineApi api, CancellationToken cancellationToken)
    {
        var accessToken = await user.GetAccessTokenAsync(cancellationToken);
        if (accessToken is null)
        {
            await user.SignOutAsync(cancellationToken);
            return TypedResults.LocalRedirect("/login?returnUrl=%2Fadmin%2Fproducts");
        }

        var problem = await api.DeleteProductAsync(accessToken, id, cancellationToken);
        var query = problem is null
            ? "deleted=" + id.ToString(CultureInfo.InvariantCulture)
            : "error=" + Uri.EscapeDataString(problem.Title);
        return TypedResults.LocalRedirect("/admin/products?" + query);
    }
}
