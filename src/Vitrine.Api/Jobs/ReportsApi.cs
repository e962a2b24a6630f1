using System.Security.Claims;
using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vitrine.Api.Accounts;
using Vitrine.Data;

namespace Vitrine.Api.Jobs;

public sealed record SalesReportRequest(DateOnly From, DateOnly To);

public sealed record ReportStatus(Guid Id, string Status);

public static class ReportsApi
{
    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder routes)
    {
        var reports = routes.MapGroup("/admin/reports").WithTags("Reports (admin)").RequireAuthorization(Policies.Admin)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        reports.MapPost("/sales", RequestSalesReport)
            .WithName("RequestSalesReport")
            .WithSummary("Build a sales CSV (per day and currency) in the background; poll its location")
            .WithDescription("Answers 202 with the report's id and a Location to poll; the range (from, to) runs forward and spans at most three years.")
            .ProducesValidationProblem();

        reports.MapGet("/{id:guid}", GetReport)
            .WithName("GetReport")
            .WithSummary("The report as text/csv when ready (202 while it is being built, 503 while its build is failing)")
            .WithDescription("Poll until 200. A report is kept for a day after it is built; an unknown or expired id → 404.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return routes;
    }

    public static async Task<Results<Accepted<ReportStatus>, ValidationProblem>> RequestSalesReport(
        SalesReportRequest request, ClaimsPrincipal principal, IBackgroundJobClient jobs, IOptions<JobOptions> options, [FromKeyedServices(RedisConnections.Durable)] IConnectionMultiplexer redis)
    {
        if (request.To < request.From || request.To.DayNumber - request.From.DayNumber > 3 * 366)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["to"] = ["The range must run forward and span at most three years."] });
        }

        var id = Guid.NewGuid();
        await redis.GetDatabase().StringSetAsync(SalesReport.StateKey(options.Value, id), "queued", SalesReport.KeptFor);
        var requestedBy = principal.UserId();
        jobs.Enqueue<SalesReport>(report => report.BuildAsync(id, request.From, request.To, requestedBy, CancellationToken.None));
        return TypedResults.Accepted($"/api/v1/admin/reports/{id}", new ReportStatus(id, "queued"));
    }

    public static async Task<Results<ContentHttpResult, Accepted<ReportStatus>, NotFound, ProblemHttpResult>> GetReport(
        Guid id,
        IOptions<JobOptions> options,
        [FromKeyedServices(RedisConnections.Durable)] IConnectionMultiplexer redis)
    {
        var database = redis.GetDatabase();
        var state = await database.StringGetAsync(SalesReport.StateKey(options.Value, id));
        if (state.IsNull)
        {
            return TypedResults.NotFound();
        }

        if (state == "failed")
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The report could not be built yet; it is retried, or request a new one.");
        }

        if (state != "done")
        {
            return TypedResults.Accepted($"/api/v1/admin/reports/{id}", new ReportStatus(id, state.ToString()));
        }

        return TypedResults.Text((await database.StringGetAsync(SalesReport.Key(options.Value, id))).ToString(), "text/csv");
    }
}
