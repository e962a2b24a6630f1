using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Vitrine.Data.Model;

namespace Vitrine.Api.Accounts;

public static class Policies
{
    /// <summary>Any signed-in user.</summary>
    public const string Customer = "customer";

    /// <summary>Users with the admin role.</summary>
    public const string Admin = "admin";
}

public static class AccountsServiceCollectionExtensions
{
    public static WebApplicationBuilder AddAccounts(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AccountOptions>()
            .Bind(builder.Configuration.GetSection(AccountOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<JwtOptions>()
            .Bind(builder.Configuration.GetSection(JwtOptions.Section))
            .PostConfigure(options =>
            {
                // Development may run without a configured key: an ephemeral one is made per process (tokens do not
                // survive a restart or work across replicas). Every other environment must configure a real key.
                if (builder.Environment.IsDevelopment() && string.IsNullOrWhiteSpace(options.SigningKey))
                {
                    options.SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton<PasswordHasher>();
        builder.Services.AddSingleton<AccessTokens>();
        builder.Services.AddScoped<RefreshTokenFamily>();
        builder.Services.AddSingleton<ActiveUsers>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ActiveUsers>());

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<JwtOptions>, AccessTokens, ActiveUsers>((bearer, jwt, tokens, activeUsers) =>
            {
                bearer.MapInboundClaims = false;
                // Every authenticated request counts its user as active (in memory; see ActiveUsers).
                bearer.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context =>
                    {
                        activeUsers.Saw(context.Principal);
                        return Task.CompletedTask;
                    },
                };
                bearer.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = jwt.Value.Issuer,
                    ValidAudience = jwt.Value.Audience,
                    IssuerSigningKeys = tokens.VerificationKeys(),
                    // Only HS256: "alg": "none" and algorithm confusion (RS256 with the HMAC key as a public key) fail.
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidateLifetime = true,
                    ValidateIssuerSigningKey = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ClockSkew = TimeSpan.FromSeconds(30),
                    NameClaimType = AccountClaims.Subject,
                    RoleClaimType = AccountClaims.Role,
                };
            });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Customer, policy => policy.RequireAuthenticatedUser())
            .AddPolicy(Policies.Admin, policy => policy.RequireAuthenticatedUser().RequireRole(Roles.Admin));
        return builder;
    }
}
