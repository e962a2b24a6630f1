using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Vitrine.Web.Api;

namespace Vitrine.Web.Accounts;

/// <summary>Cookie settings of the storefront (Web:SecureCookies).</summary>
public sealed class WebCookieOptions
{
    /// <summary>
    /// Mark the auth and session cookies Secure (the default: production is behind TLS at the load balancer). Only
    /// tests over plain http on loopback turn it off, which makes the cookies Secure exactly when the request was https.
    /// </summary>
    public bool SecureCookies { get; set; } = true;
}

public static class WebClaims
{
    public const string UserId = "sub";
    public const string SignInId = "sid";
    public const string AdminRole = "admin";
}

/// <summary>
/// Cookie authentication for shoppers (HttpOnly, SameSite=Lax, Secure): the cookie names the user and a sign-in id;
/// the API's access and refresh tokens stay in the <see cref="TokenStore"/>.
/// </summary>
public static class WebAccounts
{
    public static WebApplicationBuilder AddWebAccounts(this WebApplicationBuilder builder)
    {
        var cookies = builder.Configuration.GetSection("Web").Get<WebCookieOptions>() ?? new WebCookieOptions();
        var securePolicy = cookies.SecureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;

        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.Name = "vitrine.auth";
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.SecurePolicy = securePolicy;
                options.LoginPath = "/login";
                options.LogoutPath = "/logout";
                options.AccessDeniedPath = "/access-denied";
                options.ReturnUrlParameter = "returnUrl";
                options.ExpireTimeSpan = TimeSpan.FromDays(7);
                options.SlidingExpiration = true;
            });
        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();

        builder.Services.AddSession(options =>
        {
            options.Cookie.Name = "vitrine.session";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = securePolicy;
            options.Cookie.IsEssential = true;
            options.IdleTimeout = TimeSpan.FromDays(7);
        });

        // Secure whenever the request came over TLS (behind the load balancer, X-Forwarded-Proto says so). Not "Always":
        // antiforgery refuses to issue tokens at all on a plain-http request with that setting.
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "vitrine.antiforgery";
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        builder.Services.AddSingleton<TokenStore>();
        builder.Services.AddScoped<SignedInUser>();
        return builder;
    }
}

/// <summary>The current shopper, their API token, and signing in and out.</summary>
public sealed class SignedInUser(IHttpContextAccessor accessor, TokenStore tokens, VitrineApi api)
{
    private HttpContext Http => accessor.HttpContext ?? throw new InvalidOperationException("No request.");

    public ClaimsPrincipal Principal => Http.User;

    public bool IsSignedIn => Principal.Identity?.IsAuthenticated == true;

    public bool IsAdmin => Principal.IsInRole(WebClaims.AdminRole);

    public string? Name => Principal.FindFirstValue(ClaimTypes.Name);

    /// <summary>A valid API access token, or null when the shopper must sign in (again).</summary>
    public async Task<string?> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        if (!IsSignedIn
            || Principal.FindFirstValue(WebClaims.SignInId) is not { } signInId
            || !long.TryParse(Principal.FindFirstValue(WebClaims.UserId), NumberStyles.None, CultureInfo.InvariantCulture, out var userId))
        {
            return null;
        }

        return await tokens.GetAccessTokenAsync(signInId, userId, cancellationToken);
    }

    /// <summary>Exchanges e-mail and password for tokens at the API, keeps them, and issues the auth cookie.</summary>
    public async Task<ApiProblem?> SignInAsync(string email, string password, CancellationToken cancellationToken)
    {
        var login = await api.LoginAsync(email, password, cancellationToken);
        if (!login.Succeeded)
        {
            return login.Problem;
        }

        var me = await api.GetMeAsync(login.Value.AccessToken, cancellationToken);
        if (!me.Succeeded)
        {
            return me.Problem;
        }

        var signInId = TokenStore.NewSignInId();
        await tokens.SaveAsync(signInId, me.Value.Id, login.Value);
        var identity = new ClaimsIdentity(
            [
                new Claim(WebClaims.UserId, me.Value.Id.ToString(CultureInfo.InvariantCulture)),
                new Claim(WebClaims.SignInId, signInId),
                new Claim(ClaimTypes.Name, me.Value.Name),
                new Claim(ClaimTypes.Email, me.Value.Email),
                new Claim(ClaimTypes.Role, me.Value.Role),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await Http.SignInAsync(new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = true });
        return null;
    }

    /// <summary>Revokes the refresh token at the API, forgets the tokens, clears the session (cart) and the cookie.</summary>
    public async Task SignOutAsync(CancellationToken cancellationToken)
    {
        // Logging out at the API takes a valid access token: refresh first if it has expired.
        var accessToken = await GetAccessTokenAsync(cancellationToken);
        if (Principal.FindFirstValue(WebClaims.SignInId) is { } signInId && await tokens.RemoveAsync(signInId) is { } stored)
        {
            await api.LogoutAsync(accessToken ?? stored.AccessToken, stored.RefreshToken, cancellationToken);
        }

        await Http.Session.LoadAsync(cancellationToken);
        Http.Session.Clear();
        await Http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}
