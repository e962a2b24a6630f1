using System.Net;
using Microsoft.Playwright;
using Vitrine.Tests.Browser.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vitrine.Tests.Browser;

[Collection(StorefrontTests.Name)]
public sealed class FormSafetyTests(StorefrontFixture store)
{
    [Theory]
    [InlineData("/cart/add", "productId=1&quantity=1")]
    [InlineData("/logout", "returnUrl=%2F")]
    [InlineData("/login", "_handler=login&Input.Email=a%40example.com&Input.Password=whatever1")]
    [InlineData("/register", "_handler=register&Input.Name=A&Input.Email=a%40example.com&Input.Password=whatever1")]
    public async Task A_form_posted_without_its_anti_forgery_token_is_refused(string path, string form)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = store.BaseUrl };
        using var content = new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");

        using var response = await client.PostAsync(new Uri(path, UriKind.Relative), content);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Submitting_one_checkout_form_twice_at_once_places_one_order()
    {
        await using var browser = await store.NewBrowserAsync();
        var page = browser.Pages[0];
        await Shopper.RegisterAsync(page, "Double Clicker");
        var product = await Shopper.AddFirstResultToCartAsync(page, "teapot");
        await page.GotoAsync("/checkout");

        // The very form the page rendered (its anti-forgery token and its Idempotency-Key), sent twice concurrently
        // with the browser's cookies: what a double click or an impatient re-submit does.
        var form = page.Locator("form:has(button:text('Place order'))");
        var fields = await form.Locator("input[type=hidden]").EvaluateAllAsync<Dictionary<string, string>>(
            "inputs => Object.fromEntries(inputs.map(i => [i.name, i.value]))");
        fields.ShouldContainKey("Input.IdempotencyKey");
        var posts = Enumerable.Range(0, 2).Select(_ =>
        {
            var data = page.APIRequest.CreateFormData();
            foreach (var (name, value) in fields)
            {
                data.Set(name, value);
            }

            return page.APIRequest.PostAsync("/checkout", new() { Form = data, MaxRedirects = 0 });
        });
        var responses = await Task.WhenAll(posts);
        responses.ShouldAllBe(r => r.Status < 500);

        await page.GotoAsync("/account/orders");
        var rows = page.Locator("tr[data-order-id]");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync($"1 × {product}");
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example/")]
    public async Task Signing_in_never_redirects_to_another_site(string returnUrl)
    {
        await using var browser = await store.NewBrowserAsync(javaScript: false);
        var page = browser.Pages[0];
        var email = await Shopper.RegisterAsync(page, "Careful Shopper");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out Careful Shopper" }).ClickAsync();

        await page.GotoAsync("/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        await Shopper.SignInAsync(page, email);

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome to Vitrine" })).ToBeVisibleAsync();
        new Uri(page.Url).Host.ShouldBe("localhost");
    }
}
