using System.Net;
using System.Text.Json;

namespace Vitrine.Tests.Integration.Infrastructure;

internal static class ProblemAssertions
{
    /// <summary>Asserts an RFC 9457 problem response with the given status and a trace id, and returns its JSON.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        response.StatusCode.ShouldBe(status);
        response.Content.Headers.ContentType.ShouldNotBeNull("a problem response must name its media type").MediaType.ShouldBe("application/problem+json");
        var body = await response.Content.ReadAsStringAsync();
        body.ShouldNotContain("   at ", customMessage: "a stack trace leaked");
        body.ShouldNotContain("Exception", customMessage: "an exception leaked");
        var json = JsonDocument.Parse(body).RootElement.Clone();
        json.GetProperty("status").GetInt32().ShouldBe((int)status);
        json.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace();
        json.GetProperty("traceId").GetString().ShouldNotBeNullOrWhiteSpace();
        return json;
    }

    /// <summary>The seed's security headers, which every response carries, errors included.</summary>
    public static void ShouldCarrySecurityHeaders(this HttpResponseMessage response)
    {
        string Header(string name) => response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";
        Header("X-Content-Type-Options").ShouldBe("nosniff");
        Header("X-Frame-Options").ShouldBe("DENY");
        Header("X-XSS-Protection").ShouldBe("1; mode=block");
        Header("Referrer-Policy").ShouldBe("strict-origin-when-cross-origin");
        Header("Content-Security-Policy").ShouldContain("default-src");
    }
}
