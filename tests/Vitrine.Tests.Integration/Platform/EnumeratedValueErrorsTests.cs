using System.Net;
using System.Text.Json;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Integration.Platform;

/// <summary>
/// Issue 18's "errors that help": every enumerated value the OpenAPI document lists is refused, when wrong, with a 400
/// whose errors map names the field in camelCase and whose message lists exactly the document's values.
/// </summary>
public sealed class EnumeratedValueErrorsTests(CatalogApiFactory api) : IClassFixture<CatalogApiFactory>
{
    private readonly HttpClient client = api.CreateClient();

    [Fact]
    public async Task Every_enum_of_the_openapi_document_is_refused_with_its_field_and_its_allowed_values()
    {
        var document = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative))).RootElement;
        var enums = EnumsOf(document);
        var admin = await api.SignInAdminAsync(client);

        // One wrong request per enum; a new enum in the document without a case here fails the test.
        var cases = new Dictionary<string, Func<Task<HttpResponseMessage>>>
        {
            ["GET /api/v1/products sort"] = () => client.GetAsync(new Uri("/api/v1/products?sort=price", UriKind.Relative)),
            ["GET /api/v1/admin/orders status"] = () => client.GetAsync("/api/v1/admin/orders?status=lost", admin.AccessToken),
            ["ChangeStatusRequest status"] = () => client.SendAsync(HttpMethod.Post, "/api/v1/admin/orders/1/status", admin.AccessToken, new { status = "lost" }),
        };
        enums.Keys.ShouldBe(cases.Keys, ignoreOrder: true);
        // Every query parameter is named as the API reads it: camelCase (not the C# property's "PageSize").
        var products = document.GetProperty("paths").GetProperty("/api/v1/products").GetProperty("get").GetProperty("parameters");
        products.EnumerateArray().Select(p => p.GetProperty("name").GetString()).ShouldBe(["q", "category", "minPriceCents", "maxPriceCents", "sort", "page", "pageSize"], ignoreOrder: true);

        foreach (var (where, values) in enums)
        {
            values.Count.ShouldBeGreaterThan(1, where);
            var field = where.Split(' ')[^1];
            var problem = await (await cases[where]()).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
            var message = problem.GetProperty("errors").GetProperty(field).EnumerateArray().Single().GetString()!;
            message.ShouldBe($"The field {field} must be one of: {string.Join(", ", values)}.", where);
        }
    }

    [Fact]
    public async Task A_refused_field_is_named_in_camel_case_in_the_key_and_in_the_message()
    {
        var problem = await (await client.GetAsync(new Uri("/api/v1/products?pageSize=0", UriKind.Relative))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        errors.TryGetProperty("PageSize", out _).ShouldBeFalse();
        var message = errors.GetProperty("pageSize").EnumerateArray().Single().GetString()!;
        message.ShouldContain("pageSize");
        message.ShouldNotContain("PageSize", Case.Sensitive);
    }

    /// <summary>"METHOD path parameter" or "Schema property" → the enum's values, for every enum in the document.</summary>
    private static Dictionary<string, List<string>> EnumsOf(JsonElement document)
    {
        static List<string> Values(JsonElement schema) => [.. schema.GetProperty("enum").EnumerateArray().Select(v => v.GetString()!)];
        var enums = new Dictionary<string, List<string>>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Value.TryGetProperty("responses", out _)))
            {
                if (!operation.Value.TryGetProperty("parameters", out var parameters))
                {
                    continue;
                }

                foreach (var parameter in parameters.EnumerateArray().Where(p => p.TryGetProperty("schema", out var s) && s.TryGetProperty("enum", out _)))
                {
                    enums[$"{operation.Name.ToUpperInvariant()} {path.Name} {parameter.GetProperty("name").GetString()}"] = Values(parameter.GetProperty("schema"));
                }
            }
        }

        foreach (var schema in document.GetProperty("components").GetProperty("schemas").EnumerateObject())
        {
            if (!schema.Value.TryGetProperty("properties", out var properties))
            {
                continue;
            }

            foreach (var property in properties.EnumerateObject().Where(p => p.Value.TryGetProperty("enum", out _)))
            {
                enums[$"{schema.Name} {property.Name}"] = Values(property.Value);
            }
        }

        return enums;
    }
}
