using Microsoft.AspNetCore.OutputCaching;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Net.Http.Headers;
using StackExchange.Redis;
using Vitrine.Data;
using Vitrine.Web.Accounts;
using Vitrine.Web.Api;
using Vitrine.Web.Cart;
using Vitrine.Web.Ops;

namespace Vitrine.Web;

/// <summary>The storefront's wiring: the API client, accounts, the cart's session, output caching and the ops view.</summary>
public static class Storefront
{
    /// <summary>Output-cache policy of anonymous catalog pages (see <see cref="AnonymousCatalogPolicy"/>).</summary>
    public const string AnonymousCatalog = "anonymous-catalog";

    /// <summary>The client that streams server-sent events: no timeout, no retries (a stream is not a request).</summary>
    public const string EventStreamClient = "VitrineApiEvents";

    public static WebApplicationBuilder AddStorefront(this WebApplicationBuilder builder)
    {
        // Run from build output in Production (the browser tests do; the local stack and production run `dotnet
        // publish` output), MapStaticAssets would find neither blazor.web.js (it lives in a NuGet package) nor the
        // built assets without this. A published app has no runtime manifest, and this does nothing there.
        builder.WebHost.UseStaticWebAssets();
        // …and keep the manifest's own cache headers there (immutable for a year for fingerprinted URLs, which change
        // whenever the content does; no-cache for the rest), instead of the development mode's no-cache everywhere.
        builder.Configuration["EnableStaticAssetsDevelopmentCaching"] = "true";
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddTransient<ForwardedClientAddress>();

        // The seed draws the Web calling the API over HTTP: one typed client with the standard resilience handler
        // (timeouts, circuit breaker, retries). Retries only for safe methods: a retried login or refresh could spend
        // a rate-limit slot or a one-time refresh token twice. (Orders are idempotent by their key anyway.)
        // ServiceDefaults gives every client the standard handler; these two replace it with their own settings.
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is marked experimental; it is the documented way to override the default.
        builder.Services.AddHttpClient<VitrineApi>(ConfigureApiClient)
            .AddHttpMessageHandler<ForwardedClientAddress>()
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler(options =>
            {
                options.Retry.DisableForUnsafeHttpMethods();
                // A shopper is waiting on the page: retry quickly and give up within seconds (the defaults back off
                // 2 s, 4 s, 8 s and allow 30 s), so an API outage becomes a clear "unavailable" page, not a hang.
                options.Retry.MaxRetryAttempts = 2;
                options.Retry.Delay = TimeSpan.FromMilliseconds(100);
                options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(5);
                options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(12);
            });
        builder.Services.AddHttpClient(EventStreamClient, (services, http) =>
            {
                ConfigureApiClient(services, http);
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001

        // The cart's session lives in the durable Redis (noeviction, AOF): it survives a replica change and a restart.
        builder.Services.AddStackExchangeRedisCache(_ => { });
        builder.Services.AddOptions<RedisCacheOptions>().Configure<IServiceProvider>((options, services) =>
        {
            options.InstanceName = $"{builder.Configuration.GetValue("Caching:Name", "vitrine")}:web:session:";
            options.ConnectionMultiplexerFactory = () =>
                Task.FromResult(services.GetRequiredKeyedService<IConnectionMultiplexer>(RedisConnections.Durable));
        });
        builder.Services.AddScoped<CartStore>();
        builder.Services.AddSingleton<CheckoutMetrics>();
        builder.AddWebAccounts();

        builder.Services.AddOutputCache(options => options.AddPolicy(AnonymousCatalog, new AnonymousCatalogPolicy()));
        builder.AddOpsView();
        return builder;
    }

    private static void ConfigureApiClient(IServiceProvider services, HttpClient http)
    {
        var baseUrl = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApiOptions>>().Value.BaseUrl!;
        http.BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/");
    }

    /// <summary>
    /// An error status on a page request (a GET: 404, 400 from a bad query…) is answered with a page that says what
    /// happened. Other methods keep the service defaults' problem+json: re-running a refused POST (no anti-forgery
    /// token, say) through a page would only meet the same refusal again.
    /// </summary>
    public static WebApplication UseFriendlyStatusPages(this WebApplication app)
    {
        app.UseStatusCodePagesWithReExecute("/status/{0}");
        app.Use((context, next) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
                && context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } statusPages)
            {
                statusPages.Enabled = false;
            }

            return next(context);
        });
        return app;
    }

    /// <summary>
    /// Pages are HTML that must be revalidated on every visit (`no-cache`), and `private` once a shopper has a
    /// session or a sign-in. Fingerprinted static assets keep their own year-long immutable header.
    /// </summary>
    public static WebApplication UseHtmlCacheHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                if (headers.CacheControl.Count == 0
                    && headers.ContentType.ToString().StartsWith("text/html", StringComparison.OrdinalIgnoreCase))
                {
                    headers.CacheControl = AnonymousCatalogPolicy.IsAnonymousVisitor(context) ? "no-cache" : "no-cache, private";
                }

                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}

/// <summary>
/// Caches catalog pages for first-time anonymous visitors only (no session, sign-in or anti-forgery cookie): they see
/// exactly what anyone else sees. A shopper with a cart, a signed-in user, or a page with a form token is never
/// served from or stored in the cache (the default policy also refuses responses that set a cookie).
/// </summary>
public sealed class AnonymousCatalogPolicy : IOutputCachePolicy
{
    /// <summary>Short: the API's own listings are cached 5 minutes and evicted on every write; this only absorbs bursts.</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);

    public static bool IsAnonymousVisitor(HttpContext context) =>
        context.User.Identity?.IsAuthenticated != true
        && !context.Request.Cookies.Keys.Any(name => name.StartsWith("vitrine.", StringComparison.Ordinal) || name.StartsWith(".AspNetCore.", StringComparison.Ordinal));

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var request = context.HttpContext.Request;
        var cacheable = (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
            && request.Headers.Authorization.Count == 0
            && IsAnonymousVisitor(context.HttpContext);
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = cacheable;
        context.AllowCacheStorage = cacheable;
        context.AllowLocking = true;
        context.ResponseExpirationTimeSpan = Lifetime;
        context.CacheVaryByRules.QueryKeys = "*";
        context.CacheVaryByRules.HeaderNames = HeaderNames.AcceptEncoding;
        // A full page and its streamed (enhanced navigation) rendering are different bodies.
        context.CacheVaryByRules.VaryByValues["enhanced"] = Components.StreamingRendering.IsEnhancedNavigation(context.HttpContext) ? "1" : "0";
        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellation) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellation)
    {
        var response = context.HttpContext.Response;
        if (response.StatusCode != StatusCodes.Status200OK || response.Headers.SetCookie.Count > 0)
        {
            context.AllowCacheStorage = false;
        }

        return ValueTask.CompletedTask;
    }
}
