namespace Vitrine.Web.Components.Ui;

public static class PageStatus
{
    /// <summary>
    /// Gives a page the status of the API problem it shows (so a page saying "unavailable" is a 503, never cached as a
    /// 200), when the response has not started yet (a streamed rendering has already sent its 200).
    /// </summary>
    public static void From(HttpContext? context, Api.ApiProblem? problem)
    {
        if (problem is not null && context is { Response.HasStarted: false })
        {
            context.Response.StatusCode = problem.Status is >= 400 and < 600 ? problem.Status : StatusCodes.Status503ServiceUnavailable;
        }
    }
}
