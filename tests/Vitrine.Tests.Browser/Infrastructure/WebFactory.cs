extern alias web;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Browser.Infrastructure;

/// <summary>The real Web (Blazor static SSR) on Kestrel, calling the real API over HTTP, on the run's Redis.</summary>
public sealed class WebFactory : WebApplicationFactory<web::Program>
{
    private readonly ApiFactory api;
    private readonly Uri apiUrl;

    public WebFactory(ApiFactory api, Uri apiUrl)
    {
        this.api = api;
        this.apiUrl = apiUrl;
        // A free loopback port chosen by Kestrel's own options: UseKestrel(0) rewrites the server's addresses after the
        // host is built, which races the app's own start (seen under load: "Addresses cannot be modified after the
        // server has started").
        UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
    }

    public Dictionary<string, string?> Settings { get; } = [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var origin = apiUrl.GetLeftPart(UriPartial.Authority);
        builder.UseEnvironment(Environments.Production);
        builder.UseSetting("ConnectionStrings:Postgres", api.ConnectionString);
        builder.UseSetting("ConnectionStrings:Redis", api.Servers.Cache.ConnectionString);
        builder.UseSetting("ConnectionStrings:RedisDurable", api.Servers.Durable.ConnectionString);
        builder.UseSetting("Caching:Name", api.Settings["Caching:Name"]);
        builder.UseSetting("Api:BaseUrl", origin);
        // No load balancer here: browsers load product images from the API's own origin.
        builder.UseSetting("Api:PublicBaseUrl", origin);
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
