using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Integration.Platform;

/// <summary>
/// Issue 18's "an OpenAPI document a generated client can trust": the served document lints clean with Redocly's
/// recommended rules and Spectral's spectral:oas (tests/tools/redocly.yaml and spectral.yaml say why a rule is off), and
/// the security it declares is what the API does: every operation marked with the bearer scheme answers 401 without a
/// token, every one that lists 403 answers it to a customer, and no anonymous one asks for a token.
/// </summary>
public sealed class OpenApiDocumentTests(CatalogApiFactory api) : IClassFixture<CatalogApiFactory>
{
    private static readonly string Tools = Path.Combine(ServerProcess.RepositoryRoot, "tests", "tools");
    private static readonly TimeSpan LintTimeout = TimeSpan.FromMinutes(2);

    private readonly HttpClient client = api.CreateClient();

    [Fact]
    public async Task The_served_document_lints_clean_with_redocly_recommended_and_spectral_oas()
    {
        var report = Path.Combine(Path.GetTempPath(), $"vitrine-openapi-{Guid.NewGuid():N}");
        var file = report + ".json";
        await File.WriteAllTextAsync(file, await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)));
        try
        {
            var (exit, output, said) = await NodeToolAsync("redocly", "lint", "--config", Path.Combine(Tools, "redocly.yaml"), "--format=json", file);
            var redocly = JsonDocument.Parse(output).RootElement;
            var problems = redocly.GetProperty("problems").EnumerateArray().Select(p => $"{p.GetProperty("ruleId")}: {p.GetProperty("message")}").ToList();
            problems.ShouldBeEmpty(said);
            redocly.GetProperty("totals").GetProperty("errors").GetInt32().ShouldBe(0);
            redocly.GetProperty("totals").GetProperty("warnings").GetInt32().ShouldBe(0);
            exit.ShouldBe(0, said);

            // Spectral follows its JSON on stdout with a summary line, so the report goes to a file.
            (exit, _, said) = await NodeToolAsync("spectral", "lint", "--ruleset", Path.Combine(Tools, "spectral.yaml"), "--format", "json", "--output", report + ".spectral", "--fail-severity", "hint", file);
            var results = JsonDocument.Parse(await File.ReadAllTextAsync(report + ".spectral")).RootElement;
            results.EnumerateArray().Select(r => $"{r.GetProperty("code")}: {r.GetProperty("message")}").ToList().ShouldBeEmpty(said);
            exit.ShouldBe(0, said);
        }
        finally
        {
            File.Delete(file);
            File.Delete(report + ".spectral");
        }
    }

    [Fact]
    public async Task Every_operation_declares_who_may_call_it_and_the_api_agrees()
    {
        var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).RootElement;
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        scheme.GetProperty("type").GetString().ShouldBe("http");
        scheme.GetProperty("scheme").GetString().ShouldBe("bearer");
        var customer = (await client.SignUpAsync("openapi")).Tokens.AccessToken;

        var anonymous = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var name = $"{operation.Name.ToUpperInvariant()} {path.Name}";
                var responses = operation.Value.GetProperty("responses");
                responses.TryGetProperty("429", out _).ShouldBeTrue($"{name} lists the rate limiter's 429");
                var security = operation.Value.GetProperty("security").EnumerateArray().ToList();
                security.ShouldNotBeEmpty(name);
                var url = PathFor(path.Name, operation.Value);
                var method = new HttpMethod(operation.Name.ToUpperInvariant());
                using var unsigned = await client.SendAsync(Request(method, url, operation.Value, accessToken: null));
                if (security.All(requirement => requirement.TryGetProperty("bearer", out _)))
                {
                    responses.TryGetProperty("401", out _).ShouldBeTrue($"{name} lists 401");
                    unsigned.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, name);
                    if (responses.TryGetProperty("403", out _))
                    {
                        using var asCustomer = await client.SendAsync(Request(method, url, operation.Value, customer));
                        asCustomer.StatusCode.ShouldBe(HttpStatusCode.Forbidden, name);
                    }

                    if (path.Name.StartsWith("/api/v1/admin/", StringComparison.Ordinal))
                    {
                        responses.TryGetProperty("403", out _).ShouldBeTrue($"{name} lists 403");
                    }
                }
                else
                {
                    // Anonymous is the one empty requirement ({}): the API must not ask this one for a token.
                    security.ShouldHaveSingleItem(name).EnumerateObject().ShouldBeEmpty(name);
                    unsigned.StatusCode.ShouldNotBe(HttpStatusCode.Unauthorized, name);
                    unsigned.StatusCode.ShouldNotBe(HttpStatusCode.Forbidden, name);
                    anonymous.Add(name);
                }
            }
        }

        anonymous.ShouldBe(
            [
                "GET /images/{key}", "GET /api/v1/categories", "GET /api/v1/products", "GET /api/v1/products/{id}",
                "POST /api/v1/auth/register", "POST /api/v1/auth/login", "POST /api/v1/auth/refresh",
            ],
            ignoreOrder: true);
    }

    /// <summary>The path with a value of each path parameter's type (a route constraint refuses any other with a 404).</summary>
    private static string PathFor(string template, JsonElement operation)
    {
        var url = template;
        foreach (var parameter in operation.TryGetProperty("parameters", out var parameters) ? parameters.EnumerateArray() : default)
        {
            if (parameter.GetProperty("in").GetString() != "path")
            {
                continue;
            }

            var schema = parameter.GetProperty("schema");
            var value = schema.TryGetProperty("format", out var format) && format.GetString() == "uuid" ? Guid.NewGuid().ToString()
                : schema.TryGetProperty("type", out var type) && type.ToString().Contains("integer", StringComparison.Ordinal) ? "1"
                : "missing";
            url = url.Replace($"{{{parameter.GetProperty("name").GetString()}}}", value, StringComparison.Ordinal);
        }

        url.ShouldNotContain("{", customMessage: template);
        return url;
    }

    /// <summary>A request for the operation with an empty body of the type its document asks for (JSON or a form).</summary>
    private static HttpRequestMessage Request(HttpMethod method, string url, JsonElement operation, string? accessToken)
    {
        var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        if (operation.TryGetProperty("requestBody", out var body))
        {
            request.Content = body.GetProperty("content").TryGetProperty("multipart/form-data", out _)
                ? new MultipartFormDataContent()
                : JsonContent.Create(new { });
        }

        return request;
    }

    /// <summary>Runs a linter from tests/tools/node_modules/.bin, stopped by its pid if it outlasts the timeout: its exit
    /// code, its standard output (the report) and everything it said (for a failure's message).</summary>
    private static async Task<(int ExitCode, string Output, string Said)> NodeToolAsync(string tool, params string[] arguments)
    {
        var info = new ProcessStartInfo(Path.Combine(Tools, "node_modules", ".bin", tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Tools,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // No telemetry and no update check: CI has no internet, and a test sends nothing anywhere.
        info.Environment["REDOCLY_TELEMETRY"] = "off";
        info.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        info.Environment["NO_UPDATE_NOTIFIER"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(LintTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish within {LintTimeout}: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stdout + await stderr);
    }
}
