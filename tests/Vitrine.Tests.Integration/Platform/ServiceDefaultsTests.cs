using System.Net;
using System.Text.Json;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Integration.Platform;

public sealed class ServiceDefaultsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private readonly HttpClient client = api.CreateClient();

    [Fact]
    public async Task Live_answers_without_touching_dependencies()
    {
        var response = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Ready_checks_postgres_and_both_redis_servers()
    {
        var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe("Healthy");
    }

    [Fact]
    public async Task Metrics_are_served_in_prometheus_text_format()
    {
        await client.GetAsync(new Uri("/api/v1/categories", UriKind.Relative));
        var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var text = await response.Content.ReadAsStringAsync();
        text.ShouldContain("http_server_request_duration_seconds");
        text.ShouldContain("# TYPE");
    }

    [Fact]
    public async Task Unknown_route_is_a_404_problem_with_security_headers()
    {
        var response = await client.GetAsync(new Uri("/api/v1/no-such-thing", UriKind.Relative));
        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        response.ShouldCarrySecurityHeaders();
    }

    [Fact]
    public async Task Malformed_route_value_is_a_400_problem()
    {
        var response = await client.GetAsync(new Uri("/api/v1/products/abc", UriKind.Relative));
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        response.ShouldCarrySecurityHeaders();
    }

    [Fact]
    public async Task Successful_responses_carry_security_headers_too()
    {
        var response = await client.GetAsync(new Uri("/api/v1/categories", UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.ShouldCarrySecurityHeaders();
        response.Headers.Contains("Server").ShouldBeFalse();
    }

    [Fact]
    public async Task OpenApi_document_is_3_1_and_lists_every_endpoint_with_schemas()
    {
        var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        document.GetProperty("openapi").GetString().ShouldStartWith("3.1");
        var paths = document.GetProperty("paths");
        paths.TryGetProperty("/api/v1/categories", out _).ShouldBeTrue();
        paths.TryGetProperty("/api/v1/products", out _).ShouldBeTrue();
        paths.TryGetProperty("/api/v1/products/{id}", out var byId).ShouldBeTrue();
        byId.GetProperty("get").GetProperty("responses").TryGetProperty("404", out _).ShouldBeTrue();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        schemas.TryGetProperty("ProductResponse", out _).ShouldBeTrue();
        schemas.TryGetProperty("CategoryResponse", out _).ShouldBeTrue();
        paths.TryGetProperty("/metrics", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Interactive_docs_are_served_at_docs()
    {
        var response = await client.GetAsync(new Uri("/docs", UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe("text/html");
        response.ShouldCarrySecurityHeaders();
    }
}
