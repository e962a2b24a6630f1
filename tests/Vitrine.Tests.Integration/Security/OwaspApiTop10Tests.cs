using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Vitrine.Data;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Integration.Security;

/// <summary>
/// One test (or theory) per applicable OWASP API Security Top 10 (2023) risk, each with hostile input, against the
/// real PostgreSQL and Redis. Orders-specific object-level checks live with the orders tests.
/// </summary>
public sealed class OwaspApiTop10Tests(CatalogApiFactory api) : IClassFixture<CatalogApiFactory>
{
    private readonly HttpClient client = api.CreateClient();

    private async Task<long> UserIdAsync(string accessToken) =>
        (await (await client.GetAsync("/api/v1/users/me", accessToken)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

    // API1:2023 Broken Object Level Authorization
    [Fact]
    public async Task API1_a_user_cannot_address_another_users_profile()
    {
        var (_, alice) = await client.SignUpAsync("alice");
        var (_, bob) = await client.SignUpAsync("bob");
        var bobId = await UserIdAsync(bob.AccessToken);

        var response = await client.GetAsync($"/api/v1/users/{bobId}", alice.AccessToken);
        await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);

        // "me" is always the caller, whatever else the request says.
        var me = await client.GetAsync($"/api/v1/users/me?id={bobId}", alice.AccessToken);
        (await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64().ShouldNotBe(bobId);
    }

    // API2:2023 Broken Authentication
    public static TheoryData<string> ForgedTokenKinds => ["expired", "tampered", "alg-none", "wrong-audience", "wrong-issuer", "hs384", "wrong-key", "garbage"];

    [Theory]
    [MemberData(nameof(ForgedTokenKinds))]
    public async Task API2_forged_tokens_are_401(string kind)
    {
        var (_, user) = await client.SignUpAsync();
        var subject = (await UserIdAsync(user.AccessToken)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var token = kind switch
        {
            "expired" => ForgedTokens.Create(subject, expiresIn: TimeSpan.FromMinutes(-5)),
            "tampered" => ForgedTokens.Tampered(user.AccessToken),
            "alg-none" => ForgedTokens.Unsigned(subject),
            "wrong-audience" => ForgedTokens.Create(subject, audience: "someone-else"),
            "wrong-issuer" => ForgedTokens.Create(subject, issuer: "https://evil.example"),
            "hs384" => ForgedTokens.Create(subject, algorithm: SecurityAlgorithms.HmacSha384),
            "wrong-key" => ForgedTokens.Create(subject, signingKey: Convert.ToBase64String(Encoding.UTF8.GetBytes(new string('k', 48)))),
            _ => "not.a.token",
        };

        var response = await client.GetAsync("/api/v1/users/me", token);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        response.ShouldCarrySecurityHeaders();
    }

    [Fact]
    public async Task API2_a_replayed_refresh_token_is_401()
    {
        var (_, tokens) = await client.SignUpAsync();
        (await client.PostJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.RefreshToken })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await client.PostJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.RefreshToken })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.PostJsonAsync("/api/v1/auth/refresh", new { refreshToken = "x" + tokens.RefreshToken })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    // API3:2023 Broken Object Property Level Authorization (mass assignment)
    [Fact]
    public async Task API3_server_owned_fields_cannot_be_set_at_registration()
    {
        var email = Infrastructure.Accounts.UniqueEmail("climber");
        var response = await client.PostJsonAsync("/api/v1/auth/register", new { email, password = Infrastructure.Accounts.Password, name = "Climber", role = "admin" });
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        var withId = await client.PostJsonAsync("/api/v1/auth/register", new { email, password = Infrastructure.Accounts.Password, name = "Climber", id = 1, status = "active" });
        await withId.ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        using var scope = api.Services.CreateScope();
        (await scope.ServiceProvider.GetRequiredService<VitrineDbContext>().Users.AnyAsync(u => u.Email == email)).ShouldBeFalse();
    }

    [Fact]
    public async Task API3_server_owned_product_fields_cannot_be_set()
    {
        var admin = await api.SignInAdminAsync(client);
        var response = await client.SendAsync(HttpMethod.Post, "/api/v1/products", admin.AccessToken,
            new { id = 1, name = "Sneaky", description = "", priceCents = 100, currency = "USD", stock = 1, category = "home", createdAt = "2000-01-01T00:00:00Z" });
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    // API4:2023 Unrestricted Resource Consumption
    [Fact]
    public async Task API4_oversized_bodies_are_413()
    {
        var huge = new string('a', 2 * 1024 * 1024);
        var response = await client.PostJsonAsync("/api/v1/auth/register", new { email = "big@example.com", password = Infrastructure.Accounts.Password, name = huge });
        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        response.ShouldCarrySecurityHeaders();
    }

    [Fact]
    public async Task API4_deeply_nested_json_is_400()
    {
        var nested = new StringBuilder("{\"email\":\"a@example.com\",\"password\":\"12345678\",\"name\":\"x\",\"extra\":");
        nested.Append(string.Concat(Enumerable.Repeat("[", 500))).Append(string.Concat(Enumerable.Repeat("]", 500))).Append('}');
        var response = await client.PostAsync(new Uri("/api/v1/auth/register", UriKind.Relative), new StringContent(nested.ToString(), Encoding.UTF8, "application/json"));
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("/api/v1/products?pageSize=100000")]
    [InlineData("/api/v1/products?page=2147483647&pageSize=100")]
    public async Task API4_unbounded_paging_is_400(string url)
    {
        await (await client.GetAsync(new Uri(url, UriKind.Relative))).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    // API5:2023 Broken Function Level Authorization
    [Fact]
    public async Task API5_customers_get_403_and_anonymous_callers_401_on_admin_functions()
    {
        var (_, customer) = await client.SignUpAsync();
        var product = new { name = "Forbidden", description = "", priceCents = 1, currency = "USD", stock = 1, category = "home" };

        var asCustomer = await client.SendAsync(HttpMethod.Post, "/api/v1/products", customer.AccessToken, product);
        await asCustomer.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        asCustomer.ShouldCarrySecurityHeaders();

        await (await client.SendAsync(HttpMethod.Delete, "/api/v1/products/1", customer.AccessToken)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await client.SendAsync(HttpMethod.Post, "/api/v1/products", null, product)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        var forgedAdmin = ForgedTokens.Unsigned((await UserIdAsync(customer.AccessToken)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await (await client.SendAsync(HttpMethod.Post, "/api/v1/products", forgedAdmin, product)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    // API8:2023 Security Misconfiguration
    [Theory]
    [InlineData("GET", "/api/v1/does-not-exist", null, HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/v1/products/abc", null, HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/v1/auth/login", "{not json", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/v1/auth/login", "", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/v1/auth/login", "[]", HttpStatusCode.BadRequest)]
    [InlineData("POST", "/api/v1/auth/login", "{\"email\":12,\"password\":true}", HttpStatusCode.BadRequest)]
    [InlineData("DELETE", "/api/v1/categories", null, HttpStatusCode.MethodNotAllowed)]
    public async Task API8_errors_are_problems_with_headers_and_no_internals(string method, string url, string? body, HttpStatusCode status)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(url, UriKind.Relative));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        var response = await client.SendAsync(request);

        await response.ShouldBeProblemAsync(status);
        response.ShouldCarrySecurityHeaders();
    }

    // Injection (API8/API10 in spirit: input reaching SQL and tsquery)
    [Theory]
    [InlineData("o'brien+tag@example.com")]
    [InlineData("\"quoted\"@example.com")]
    public async Task Injection_quotes_in_emails_are_just_characters(string email)
    {
        // Both are valid addresses: the account is made, signs in, and holds the address exactly as given.
        var unique = email.Replace("@", $"-{Guid.NewGuid():N}@", StringComparison.Ordinal);
        var register = await client.PostJsonAsync("/api/v1/auth/register", new { email = unique, password = Infrastructure.Accounts.Password, name = "Q" });
        register.StatusCode.ShouldBe(HttpStatusCode.Created, await register.Content.ReadAsStringAsync());

        var tokens = await client.LoginAsync(unique);
        (await (await client.GetAsync("/api/v1/users/me", tokens.AccessToken)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("email").GetString().ShouldBe(unique);
        using var scope = api.Services.CreateScope();
        (await scope.ServiceProvider.GetRequiredService<VitrineDbContext>().Users.CountAsync(u => u.Email == unique)).ShouldBe(1);
    }

    [Theory]
    [InlineData("x' OR '1'='1")]
    [InlineData("admin@vitrine.local'; DROP TABLE users; --")]
    public async Task Injection_in_login_is_a_plain_401(string email)
    {
        var (existing, _) = await client.SignUpAsync("bystander");
        using var scope = api.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<VitrineDbContext>();
        var users = await db.Users.CountAsync();

        var response = await client.PostJsonAsync("/api/v1/auth/login", new { email, password = "' OR 1=1 --" });
        var injected = await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        // Plain: the very answer an unknown e-mail gets, so the input matched no one...
        var unknown = await (await client.PostJsonAsync("/api/v1/auth/login", new { email = Infrastructure.Accounts.UniqueEmail("nobody"), password = "wrong password" }))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        injected.GetProperty("title").GetString().ShouldBe(unknown.GetProperty("title").GetString());
        injected.TryGetProperty("detail", out var detail).ShouldBe(unknown.TryGetProperty("detail", out var unknownDetail));
        detail.ToString().ShouldBe(unknownDetail.ToString());

        // ...and changed nothing: the users table is still there with every account, and they still sign in.
        (await db.Users.CountAsync()).ShouldBe(users);
        await client.LoginAsync(existing);
    }
}
