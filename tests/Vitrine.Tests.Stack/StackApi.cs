using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Vitrine.Tests.Stack;

/// <summary>The few API calls the stack tests make as a client would: sign in, and an admin's product.</summary>
public static class StackApi
{
    /// <summary>
    /// Signs in as a well-behaved client does: a 429 (five sign-ins a minute per address, and every stack test signs in
    /// from 127.0.0.1) is waited out for its Retry-After, then tried again.
    /// </summary>
    public static async Task<string> LoginAsync(HttpClient http, string email, string password)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var login = await http.PostAsJsonAsync(new Uri("/api/v1/auth/login", UriKind.Relative), new { email, password });
            if (login.StatusCode == HttpStatusCode.TooManyRequests && attempt < 3)
            {
                await Task.Delay(login.Headers.RetryAfter!.Delta!.Value);
                continue;
            }

            login.StatusCode.ShouldBe(HttpStatusCode.OK, await login.Content.ReadAsStringAsync());
            return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        }
    }

    /// <summary>The stack's admin (generated at first `up` into secrets/admin.json): its e-mail and password.</summary>
    public static async Task<(string Email, string Password)> AdminAsync(VitrineCli cli)
    {
        var admin = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(cli.StateDirectory, "secrets", "admin.json"))).RootElement;
        return (admin.GetProperty("email").GetString()!, admin.GetProperty("password").GetString()!);
    }

    public static async Task<string> AdminTokenAsync(HttpClient http, VitrineCli cli)
    {
        var (email, password) = await AdminAsync(cli);
        return await LoginAsync(http, email, password);
    }

    public static async Task<long> CreateProductAsync(HttpClient http, string token, string name, int stock, string category, string description = "Made by a stack test.")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/products", UriKind.Relative))
        {
            Content = JsonContent.Create(new { name, description, priceCents = 1_000, currency = "USD", stock, category }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var created = await http.SendAsync(request);
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }
}
