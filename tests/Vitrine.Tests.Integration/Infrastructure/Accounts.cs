using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vitrine.Data;
using Vitrine.Data.Seeding;

namespace Vitrine.Tests.Integration.Infrastructure;

public sealed record Tokens(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType);

/// <summary>Account flows as a client performs them, over real HTTP.</summary>
internal static class Accounts
{
    public const string Password = "correct horse battery";

    public static string UniqueEmail(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}@example.com";

    /// <summary>A random client address (sent as X-Forwarded-For), so per-address limits of one test never touch another's.</summary>
    public static string RandomAddress() => $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body, string? clientAddress = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, UriKind.Relative)) { Content = JsonContent.Create(body) };
        if (clientAddress is not null)
        {
            request.Headers.Add("X-Forwarded-For", clientAddress);
        }

        return client.SendAsync(request);
    }

    public static async Task<JsonElement> RegisterAsync(this HttpClient client, string email, string password = Password, string name = "Test User")
    {
        var response = await client.PostJsonAsync("/api/v1/auth/register", new { email, password, name }, RandomAddress());
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<Tokens> LoginAsync(this HttpClient client, string email, string password = Password)
    {
        var response = await client.PostJsonAsync("/api/v1/auth/login", new { email, password }, RandomAddress());
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<Tokens>())!;
    }

    public static async Task<(string Email, Tokens Tokens)> SignUpAsync(this HttpClient client, string prefix = "user")
    {
        var email = UniqueEmail(prefix);
        await client.RegisterAsync(email);
        return (email, await client.LoginAsync(email));
    }

    /// <summary>An admin account made directly in the database (no endpoint creates admins), signed in.</summary>
    public static async Task<Tokens> SignInAdminAsync(this ApiFactory api, HttpClient client)
    {
        var email = UniqueEmail("admin");
        using (var scope = api.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VitrineDbContext>();
            await AdminAccount.EnsureAsync(db, email, BCrypt.Net.BCrypt.HashPassword(Password, 4), TimeProvider.System);
        }

        return await client.LoginAsync(email);
    }

    public static Task<HttpResponseMessage> GetAsync(this HttpClient client, string url, string accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> SendAsync(this HttpClient client, HttpMethod method, string url, string? accessToken, object? body = null)
    {
        var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return client.SendAsync(request);
    }
}
