using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Vitrine.ServiceDefaults;

/// <summary>
/// The seed's security headers (nosniff, DENY, XSS block, HSTS one year, strict-origin-when-cross-origin) plus a
/// real Content-Security-Policy, through NetEscapades.AspNetCore.SecurityHeaders on every response, errors included.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>A policy for pages that run the interactive API reference (scripts and styles from this origin).</summary>
    public const string DocsPolicy = "docs";

    public static WebApplicationBuilder AddVitrineSecurityHeaders(this WebApplicationBuilder builder, ServiceKind kind)
    {
        // The Web shows product images from the API's /images/…: same origin behind the load balancer, or the
        // origin in Api:PublicBaseUrl where there is none (tests).
        var imageOrigin = Uri.TryCreate(builder.Configuration["Api:PublicBaseUrl"], UriKind.Absolute, out var publicBase)
            ? publicBase.GetLeftPart(UriPartial.Authority)
            : null;
        var criticalStyles = kind == ServiceKind.Web ? CriticalStyles.Load(builder.Environment) : null;
        if (criticalStyles is not null)
        {
            builder.Services.AddSingleton(criticalStyles);
        }

        builder.Services.AddSecurityHeaderPolicies()
            .SetDefaultPolicy(policy => policy
                .AddSeedHeaders()
                .AddContentSecurityPolicy(csp =>
                {
                    if (kind == ServiceKind.Web)
                    {
                        csp.AddDefaultSrc().Self();
                        csp.AddScriptSrc().Self();
                        var styles = csp.AddStyleSrc().Self();
                        if (criticalStyles?.Sha256 is { } inlined)
                        {
                            styles.WithHash256(inlined);
                        }

                        var images = csp.AddImgSrc().Self().Data();
                        if (imageOrigin is not null)
                        {
                            images.From(imageOrigin);
                        }

                        csp.AddConnectSrc().Self();
                        csp.AddFormAction().Self();
                        csp.AddBaseUri().Self();
                        csp.AddObjectSrc().None();
                    }
                    else
                    {
                        csp.AddDefaultSrc().None();
                        csp.AddBaseUri().None();
                        csp.AddFormAction().None();
                    }

                    csp.AddFrameAncestors().None();
                }))
            .AddPolicy(DocsPolicy, policy => policy
                .AddSeedHeaders()
                .AddContentSecurityPolicy(csp =>
                {
                    csp.AddDefaultSrc().Self();
                    csp.AddScriptSrc().Self().UnsafeInline();
                    csp.AddStyleSrc().Self().UnsafeInline();
                    csp.AddImgSrc().Self().Data();
                    csp.AddFontSrc().Self().Data();
                    csp.AddConnectSrc().Self();
                    csp.AddFrameAncestors().None();
                    csp.AddBaseUri().Self();
                }));
        return builder;
    }

    public static WebApplication UseVitrineSecurityHeaders(this WebApplication app)
    {
        app.UseSecurityHeaders();
        return app;
    }

    private static HeaderPolicyCollection AddSeedHeaders(this HeaderPolicyCollection policy) =>
        policy.AddContentTypeOptionsNoSniff()
            .AddFrameOptionsDeny()
            .AddXssProtectionBlock()
            .AddStrictTransportSecurityMaxAge(maxAgeInSeconds: 31_536_000)
            .AddReferrerPolicyStrictOriginWhenCrossOrigin()
            .AddCrossOriginOpenerPolicy(x => x.SameOrigin())
            .AddPermissionsPolicyWithDefaultSecureDirectives()
            .RemoveServerHeader();
}
