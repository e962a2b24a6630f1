using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace Vitrine.Web.Api;

/// <summary>
/// The typed client for the Vitrine HTTP API (CONTRACT §3). Every call answers an <see cref="ApiResult{T}"/>: the value,
/// or the API's problem+json mapped to an <see cref="ApiProblem"/>; a network failure (after the resilience handler
/// has retried what is safe to retry) becomes <see cref="ApiProblem.Unavailable"/>, never an exception on a page.
/// </summary>
public sealed class VitrineApi(HttpClient http, ILogger<VitrineApi> logger)
{
    public Task<ApiResult<List<Category>>> GetCategoriesAsync(CancellationToken cancellationToken) =>
        SendAsync<List<Category>>(HttpMethod.Get, "api/v1/categories", null, null, cancellationToken);

    public Task<ApiResult<ProductPage>> GetProductsAsync(ProductQuery query, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, string?>
        {
            ["q"] = query.Q,
            ["category"] = query.Category,
            ["minPriceCents"] = query.MinPriceCents?.ToString(CultureInfo.InvariantCulture),
            ["maxPriceCents"] = query.MaxPriceCents?.ToString(CultureInfo.InvariantCulture),
            ["sort"] = query.Sort,
            ["page"] = query.Page.ToString(CultureInfo.InvariantCulture),
            ["pageSize"] = query.PageSize.ToString(CultureInfo.InvariantCulture),
        };
        var url = QueryHelpers.AddQueryString("api/v1/products", parameters.Where(p => !string.IsNullOrWhiteSpace(p.Value)));
        return SendAsync<ProductPage>(HttpMethod.Get, url, null, null, cancellationToken);
    }

    public async Task<ApiResult<VersionedProduct>> GetProductAsync(long id, CancellationToken cancellationToken)
    {
        var result = await SendRawAsync(HttpMethod.Get, $"api/v1/products/{id}", null, null, cancellationToken);
        if (!result.Succeeded)
        {
            return result.Problem;
        }

        using var response = result.Value;
        var product = await response.Content.ReadFromJsonAsync<Product>(cancellationToken);
        return new VersionedProduct(product!, response.Headers.ETag?.ToString());
    }

    public Task<ApiResult<UserProfile>> RegisterAsync(string email, string password, string name, CancellationToken cancellationToken) =>
        SendAsync<UserProfile>(HttpMethod.Post, "api/v1/auth/register", null, JsonContent.Create(new { email, password, name }), cancellationToken);

    public Task<ApiResult<Tokens>> LoginAsync(string email, string password, CancellationToken cancellationToken) =>
        SendAsync<Tokens>(HttpMethod.Post, "api/v1/auth/login", null, JsonContent.Create(new { email, password }), cancellationToken);

    public Task<ApiResult<Tokens>> RefreshAsync(string refreshToken, CancellationToken cancellationToken) =>
        SendAsync<Tokens>(HttpMethod.Post, "api/v1/auth/refresh", null, JsonContent.Create(new { refreshToken }), cancellationToken);

    public async Task LogoutAsync(string accessToken, string refreshToken, CancellationToken cancellationToken)
    {
        var result = await SendRawAsync(HttpMethod.Post, "api/v1/auth/logout", accessToken, JsonContent.Create(new { refreshToken }), cancellationToken);
        result.Value?.Dispose();
    }

    public Task<ApiResult<UserProfile>> GetMeAsync(string accessToken, CancellationToken cancellationToken) =>
        SendAsync<UserProfile>(HttpMethod.Get, "api/v1/users/me", accessToken, null, cancellationToken);

    public Task<ApiResult<Order>> PlaceOrderAsync(string accessToken, IReadOnlyList<OrderLine> items, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync<Order>(HttpMethod.Post, "api/v1/orders", accessToken, JsonContent.Create(new { items }), cancellationToken, ("Idempotency-Key", idempotencyKey));

    public Task<ApiResult<OrderPage>> GetMyOrdersAsync(string accessToken, string? cursor, CancellationToken cancellationToken)
    {
        var url = QueryHelpers.AddQueryString("api/v1/users/me/orders", new Dictionary<string, string?> { ["pageSize"] = "20", ["cursor"] = cursor }.Where(p => p.Value is not null));
        return SendAsync<OrderPage>(HttpMethod.Get, url, accessToken, null, cancellationToken);
    }

    public Task<ApiResult<Product>> CreateProductAsync(string accessToken, ProductInput input, CancellationToken cancellationToken) =>
        SendAsync<Product>(HttpMethod.Post, "api/v1/products", accessToken, JsonContent.Create(input), cancellationToken);

    public Task<ApiResult<Product>> ReplaceProductAsync(string accessToken, long id, ProductInput input, string? etag, CancellationToken cancellationToken) =>
        SendAsync<Product>(HttpMethod.Put, $"api/v1/products/{id}", accessToken, JsonContent.Create(input), cancellationToken, etag is null ? null : ("If-Match", etag));

    public async Task<ApiProblem?> DeleteProductAsync(string accessToken, long id, CancellationToken cancellationToken)
    {
        var result = await SendRawAsync(HttpMethod.Delete, $"api/v1/products/{id}", accessToken, null, cancellationToken);
        result.Value?.Dispose();
        return result.Problem;
    }

    public Task<ApiResult<Product>> UploadImageAsync(string accessToken, long id, Stream image, string fileName, string? contentType, CancellationToken cancellationToken)
    {
        var file = new StreamContent(image);
        if (MediaTypeHeaderValue.TryParse(contentType, out var type))
        {
            file.Headers.ContentType = type;
        }

        var form = new MultipartFormDataContent { { file, "file", fileName } };
        return SendAsync<Product>(HttpMethod.Post, $"api/v1/products/{id}/image", accessToken, form, cancellationToken);
    }

    private async Task<ApiResult<T>> SendAsync<T>(
        HttpMethod method, string url, string? accessToken, HttpContent? content, CancellationToken cancellationToken, (string Name, string Value)? header = null)
    {
        var result = await SendRawAsync(method, url, accessToken, content, cancellationToken, header);
        if (!result.Succeeded)
        {
            return result.Problem;
        }

        using var response = result.Value;
        try
        {
            return (await response.Content.ReadFromJsonAsync<T>(cancellationToken))!;
        }
        catch (JsonException exception)
        {
            logger.LogWarning(exception, "The API answered {Method} {Url} with a body the Web cannot read", method, url);
            return ApiProblem.Unavailable;
        }
    }

    private async Task<ApiResult<HttpResponseMessage>> SendRawAsync(
        HttpMethod method, string url, string? accessToken, HttpContent? content, CancellationToken cancellationToken, (string Name, string Value)? header = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative)) { Content = content };
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        if (header is { } extra)
        {
            request.Headers.TryAddWithoutValidation(extra.Name, extra.Value);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutException or Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning(exception, "The API did not answer {Method} {Url}", method, url);
            return ApiProblem.Unavailable;
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            return await ReadProblemAsync(response, cancellationToken);
        }
    }

    private static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var title = DefaultTitle(response.StatusCode);
        var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        var productIds = new List<long>();
        if (response.Content.Headers.ContentType?.MediaType is { } mediaType && mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    if (root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String && status < 500)
                    {
                        title = t.GetString()!;
                    }

                    if (root.TryGetProperty("productIds", out var ids) && ids.ValueKind == JsonValueKind.Array)
                    {
                        productIds.AddRange(ids.EnumerateArray().Where(id => id.ValueKind == JsonValueKind.Number).Select(id => id.GetInt64()));
                    }

                    if (root.TryGetProperty("errors", out var map) && map.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var field in map.EnumerateObject().Where(f => f.Value.ValueKind == JsonValueKind.Array))
                        {
                            errors[field.Name] = [.. field.Value.EnumerateArray().Select(m => m.ToString())];
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // Not a problem document after all: the status and its default title say enough.
            }
        }

        return new ApiProblem(status, title, errors) { ProductIds = productIds };
    }

    private static string DefaultTitle(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized => "Please sign in.",
        HttpStatusCode.Forbidden => "You are not allowed to do that.",
        HttpStatusCode.NotFound => "Not found.",
        HttpStatusCode.TooManyRequests => "Too many attempts. Please wait a minute and try again.",
        >= HttpStatusCode.InternalServerError => ApiProblem.Unavailable.Title,
        _ => "The request could not be completed.",
    };
}
