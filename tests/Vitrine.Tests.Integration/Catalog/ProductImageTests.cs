using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using NetVips;
using Vitrine.Tests.Integration.Infrastructure;
using Vitrine.Tests.Integration.Orders;

namespace Vitrine.Tests.Integration.Catalog;

public sealed class ProductImageTests(CatalogApiFactory api) : IClassFixture<CatalogApiFactory>
{
    private readonly HttpClient client = api.CreateClient();

    private static byte[] Png(int width, int height)
    {
        using var gradient = Image.Xyz(width, height);
        using var band = gradient[0];
        using var scaled = band * (255.0 / width);
        using var rgb = Image.Black(width, height, bands: 3) + scaled;
        using var bytes = rgb.Cast(Enums.BandFormat.Uchar);
        return bytes.PngsaveBuffer();
    }

    private Task<HttpResponseMessage> UploadAsync(string? accessToken, long productId, byte[] content, string fileName, string contentType)
    {
        // Expect: 100-continue lets the server refuse an oversized body before it is sent, as browsers' uploads do.
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/v1/products/{productId}/image", UriKind.Relative)) { Content = form };
        request.Headers.ExpectContinue = true;
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> GetImageAsync(string url, string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        request.Headers.Accept.ParseAdd(accept);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task An_uploaded_image_is_served_resized_as_avif_webp_or_jpeg_by_accept()
    {
        var admin = await api.SignInAdminAsync(client);
        var product = await api.ProductAsync(stock: 1);

        var upload = await UploadAsync(admin.AccessToken, product, Png(800, 600), "lamp.png", "image/png");
        upload.StatusCode.ShouldBe(HttpStatusCode.OK, await upload.Content.ReadAsStringAsync());
        var imageUrl = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imageUrl").GetString()!;
        imageUrl.ShouldMatch("^/images/[0-9a-f]{32}$");
        (await client.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/products/{product}", UriKind.Relative))).GetProperty("imageUrl").GetString().ShouldBe(imageUrl);

        foreach (var (accept, contentType) in new[] { ("image/avif,image/webp,*/*", "image/avif"), ("image/webp,*/*", "image/webp"), ("*/*", "image/jpeg") })
        {
            var response = await GetImageAsync(imageUrl + "?w=320", accept);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Content.Headers.ContentType.ShouldNotBeNull().MediaType.ShouldBe(contentType);
            response.Headers.CacheControl!.ToString().ShouldContain("immutable");
            response.Headers.Vary.ShouldContain("Accept");
            using var decoded = Image.NewFromBuffer(await response.Content.ReadAsByteArrayAsync());
            decoded.Width.ShouldBe(320);
            decoded.Height.ShouldBe(240);
        }
    }

    [Theory]
    [InlineData("notes.png", "image/png", "this is not a picture at all")]
    [InlineData("drawing.svg", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"></svg>")]
    [InlineData("fake.jpg", "image/jpeg", "\u00ff\u00d8\u00ff garbage after a jpeg signature")]
    public async Task A_file_that_is_not_an_accepted_image_is_refused_and_changes_nothing(string fileName, string contentType, string content)
    {
        var admin = await api.SignInAdminAsync(client);
        var product = await api.ProductAsync(stock: 1);

        var response = await UploadAsync(admin.AccessToken, product, System.Text.Encoding.Latin1.GetBytes(content), fileName, contentType);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty("file", out _).ShouldBeTrue();
        (await client.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/products/{product}", UriKind.Relative))).GetProperty("imageUrl").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Uploads_are_for_admins_and_size_limited()
    {
        var (_, customer) = await client.SignUpAsync();
        var admin = await api.SignInAdminAsync(client);
        var product = await api.ProductAsync(stock: 1);

        await (await UploadAsync(customer.AccessToken, product, Png(20, 20), "a.png", "image/png")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await UploadAsync(null, product, Png(20, 20), "a.png", "image/png")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        // Over the API's 1 MiB body limit but under the 5 MB image limit: accepted.
        using var noise = Image.Gaussnoise(1100, 1100);
        using var noisy = noise.Cast(Enums.BandFormat.Uchar);
        var large = noisy.PngsaveBuffer(compression: 0);
        large.Length.ShouldBeGreaterThan(1024 * 1024);
        (await UploadAsync(admin.AccessToken, product, large, "large.png", "image/png")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var huge = new byte[7 * 1024 * 1024];
        ((int)(await UploadAsync(admin.AccessToken, product, huge, "big.png", "image/png")).StatusCode).ShouldBe(413);
    }

    [Theory]
    [InlineData("/images/0123456789abcdef0123456789abcdef?w=320", HttpStatusCode.NotFound)]
    [InlineData("/images/not-a-key", HttpStatusCode.NotFound)]
    [InlineData("/images/0123456789abcdef0123456789abcdef?w=333", HttpStatusCode.BadRequest)]
    [InlineData("/images/0123456789abcdef0123456789abcdef?w=-1", HttpStatusCode.BadRequest)]
    public async Task Unknown_images_and_odd_widths_are_problems(string url, HttpStatusCode status)
    {
        await (await client.GetAsync(new Uri(url, UriKind.Relative))).ShouldBeProblemAsync(status);
    }
}
