using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vitrine.Data;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Integration.Accounts;

public sealed class AccountFlowTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    private readonly HttpClient client = api.CreateClient();

    [Fact]
    public async Task Register_returns_the_new_customer_without_secrets()
    {
        var email = Infrastructure.Accounts.UniqueEmail();
        var user = await client.RegisterAsync($"  {email}  ", name: " Ana ");

        user.GetProperty("id").GetInt64().ShouldBePositive();
        user.GetProperty("email").GetString().ShouldBe(email);
        user.GetProperty("name").GetString().ShouldBe("Ana");
        user.GetProperty("role").GetString().ShouldBe("customer");
        user.TryGetProperty("passwordHash", out _).ShouldBeFalse();
        user.TryGetProperty("password", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task An_email_taken_in_another_case_is_a_409()
    {
        var email = Infrastructure.Accounts.UniqueEmail();
        await client.RegisterAsync(email);

        var again = await client.PostJsonAsync("/api/v1/auth/register", new { email = email.ToUpperInvariant(), password = Infrastructure.Accounts.Password, name = "Twin" });

        await again.ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Login_returns_a_bearer_pair_and_me_returns_the_profile()
    {
        var email = Infrastructure.Accounts.UniqueEmail();
        await client.RegisterAsync(email);

        var tokens = await client.LoginAsync($" {email.ToUpperInvariant()} ");

        tokens.TokenType.ShouldBe("Bearer");
        tokens.ExpiresIn.ShouldBe(15 * 60);
        tokens.RefreshToken.Length.ShouldBeGreaterThanOrEqualTo(40);
        var me = await client.GetAsync("/api/v1/users/me", tokens.AccessToken);
        me.StatusCode.ShouldBe(HttpStatusCode.OK);
        me.Headers.CacheControl.ShouldNotBeNull("a profile must say Cache-Control: no-store").NoStore.ShouldBeTrue();
        (await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("email").GetString().ShouldBe(email);
    }

    [Fact]
    public async Task Unknown_email_and_wrong_password_get_the_same_401()
    {
        var email = Infrastructure.Accounts.UniqueEmail();
        await client.RegisterAsync(email);

        var wrongPassword = await client.PostJsonAsync("/api/v1/auth/login", new { email, password = "not the password" });
        var unknownEmail = await client.PostJsonAsync("/api/v1/auth/login", new { email = Infrastructure.Accounts.UniqueEmail(), password = "not the password" });

        var first = await wrongPassword.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        var second = await unknownEmail.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        first.GetProperty("title").GetString().ShouldBe(second.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Me_without_a_token_is_a_401_problem()
    {
        var response = await client.GetAsync(new Uri("/api/v1/users/me", UriKind.Relative));
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldContain("Bearer");
    }

    [Fact]
    public async Task Refresh_rotates_and_a_spent_token_revokes_its_whole_family()
    {
        var (_, tokens) = await client.SignUpAsync();

        var first = await client.PostJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.RefreshToken });
        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        var rotated = (await first.Content.ReadFromJsonAsync<Tokens>())!;
        rotated.RefreshToken.ShouldNotBe(tokens.RefreshToken);
        (await client.GetAsync("/api/v1/users/me", rotated.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var replay = await client.PostJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.RefreshToken });
        await replay.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        // The thief's replay revoked the family, so the legitimate newer token is dead too.
        var afterReplay = await client.PostJsonAsync("/api/v1/auth/refresh", new { refreshToken = rotated.RefreshToken });
        await afterReplay.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Concurrent_refreshes_with_one_token_succeed_at_most_once()
    {
        var (_, tokens) = await client.SignUpAsync();

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            client.PostJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.RefreshToken })));

        attempts.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBeLessThanOrEqualTo(1);
        attempts.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK || r.StatusCode == HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_revokes_the_refresh_token()
    {
        var (_, tokens) = await client.SignUpAsync();

        var logout = await client.SendAsync(HttpMethod.Post, "/api/v1/auth/logout", tokens.AccessToken, new { refreshToken = tokens.RefreshToken });
        logout.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var refresh = await client.PostJsonAsync("/api/v1/auth/refresh", new { refreshToken = tokens.RefreshToken });
        await refresh.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Logout_cannot_revoke_another_users_session()
    {
        var (_, victim) = await client.SignUpAsync("victim");
        var (_, attacker) = await client.SignUpAsync("attacker");

        var logout = await client.SendAsync(HttpMethod.Post, "/api/v1/auth/logout", attacker.AccessToken, new { refreshToken = victim.RefreshToken });
        logout.StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await client.PostJsonAsync("/api/v1/auth/refresh", new { refreshToken = victim.RefreshToken })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("ééééééééééééééééééééééééééééééééééééé")] // 37 characters, 74 UTF-8 bytes: over bcrypt's 72
    public async Task Passwords_too_short_or_over_72_bytes_are_refused(string password)
    {
        var response = await client.PostJsonAsync("/api/v1/auth/register", new { email = Infrastructure.Accounts.UniqueEmail(), password, name = "X" });
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty("password", out _).ShouldBeTrue(problem.ToString());
    }

    [Fact]
    public async Task A_login_under_a_raised_cost_rehashes_the_password()
    {
        var email = Infrastructure.Accounts.UniqueEmail();
        await client.RegisterAsync(email);
        using (var scope = api.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VitrineDbContext>();
            (await db.Users.SingleAsync(u => u.Email == email)).PasswordHash.ShouldStartWith("$2a$04$");
        }

        var raised = api.Replica();
        raised.Settings["Accounts:BcryptWorkFactor"] = "6";
        await using (raised)
        {
            await raised.CreateClient().LoginAsync(email);
        }

        using var check = api.Services.CreateScope();
        var hash = (await check.ServiceProvider.GetRequiredService<VitrineDbContext>().Users.SingleAsync(u => u.Email == email)).PasswordHash;
        hash.ShouldStartWith("$2a$06$");
        await client.LoginAsync(email);
    }
}
