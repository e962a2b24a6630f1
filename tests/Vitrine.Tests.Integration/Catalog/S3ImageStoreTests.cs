using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using NetVips;
using Vitrine.Tests.Integration.Infrastructure;
using Vitrine.Tests.Integration.Orders;

namespace Vitrine.Tests.Integration.Catalog;

public sealed class S3ImageStoreTests(S3ImagesApiFactory api) : IClassFixture<S3ImagesApiFactory>
{
    [Fact]
    public async Task Originals_round_trip_through_an_s3_compatible_store()
    {
        var client = api.CreateClient();
        var admin = await api.SignInAdminAsync(client);
        var product = await api.ProductAsync(stock: 1);
        using var source = Image.Black(400, 200, bands: 3) + 128;
        using var cast = source.Cast(Enums.BandFormat.Uchar);
        var jpeg = cast.JpegsaveBuffer();

        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(jpeg);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "file", "grey.jpg");
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/v1/products/{product}/image", UriKind.Relative)) { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.AccessToken);
        var upload = await client.SendAsync(request);
        upload.StatusCode.ShouldBe(HttpStatusCode.OK, await upload.Content.ReadAsStringAsync());
        var url = (await upload.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("imageUrl").GetString()!;

        var image = await client.GetAsync(new Uri(url + "?w=160", UriKind.Relative));
        image.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var decoded = Image.NewFromBuffer(await image.Content.ReadAsByteArrayAsync());
        decoded.Width.ShouldBe(160);
        decoded.Height.ShouldBe(80);
    }
}
