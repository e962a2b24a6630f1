using System.Net;
using Vitrine.Tests.Integration.Infrastructure;
using Vitrine.Tests.Integration.Orders;

namespace Vitrine.Tests.Integration.Events;

public sealed class SmtpMailTests(SmtpApiFactory api) : IClassFixture<SmtpApiFactory>
{
    [Fact]
    public async Task The_confirmation_goes_out_over_smtp_when_a_server_is_configured()
    {
        var client = api.CreateClient();
        var (email, buyer) = await client.SignUpAsync("smtp");
        var response = await client.PlaceAsync(buyer.AccessToken, OrderTestKit.Lines((await api.ProductAsync(stock: 2), 1)));
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var orderId = (await response.JsonAsync()).GetProperty("id").GetInt64();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!api.Smtp.Received.Contains($"Your Vitrine order #{orderId}", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        api.Smtp.Received.ShouldContain($"Subject: Your Vitrine order #{orderId}");
        api.Smtp.Received.ShouldContain(email);
        Directory.Exists(api.MailDirectory).ShouldBeFalse();
    }
}
