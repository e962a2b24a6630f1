using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc;

namespace Vitrine.Web.Cart;

/// <summary>A cart form: which product and how many. Bound from the form, so anti-forgery is validated first.</summary>
public sealed record CartForm(
    [property: Range(1, long.MaxValue)] long ProductId,
    [property: Range(0, CartStore.MaxQuantity)] int Quantity);

/// <summary>
/// The cart's form targets: plain POSTs (anti-forgery checked) answered with a redirect to the cart page, so they
/// work without JavaScript and a reload never re-posts.
/// </summary>
public static class CartEndpoints
{
    public static IEndpointRouteBuilder MapCartEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/cart/add", AddAsync);
        routes.MapPost("/cart/update", UpdateAsync);
        return routes;
    }

    private static async Task<IResult> AddAsync([FromForm] CartForm form, CartStore cart, CancellationToken cancellationToken)
    {
        if (form.ProductId < 1 || form.Quantity is < 1 or > CartStore.MaxQuantity)
        {
            return Invalid();
        }

        var added = await cart.AddAsync(form.ProductId, form.Quantity, cancellationToken);
        return SeeOther(added ? "/cart?added=" + form.ProductId : "/cart?full=1");
    }

    private static async Task<IResult> UpdateAsync([FromForm] CartForm form, CartStore cart, CancellationToken cancellationToken)
    {
        if (form.ProductId < 1 || form.Quantity is < 0 or > CartStore.MaxQuantity)
        {
            return Invalid();
        }

        await cart.SetAsync(form.ProductId, form.Quantity, cancellationToken);
        return SeeOther("/cart");
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Invalid() =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"Choose a product and a quantity from 1 to {CartStore.MaxQuantity}.");

    // A redirect after POST (the browser follows it with GET), so a reload never re-posts the form.
    private static Microsoft.AspNetCore.Http.HttpResults.RedirectHttpResult SeeOther(string location) => TypedResults.LocalRedirect(location);
}
