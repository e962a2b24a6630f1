using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Vitrine.Api.Orders;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Integration.Platform;

/// <summary>
/// Sentry by DSN (the seed's error tracking): without a DSN nothing of it is registered; with one, a 500 that the global
/// handler answers as problem+json reaches the DSN's server as an envelope. The server is a fake started here, a real
/// Kestrel listener; the 500 comes from an API whose order queries are broken for the test.
/// </summary>
public sealed class ErrorTrackingTests
{
    private const string Failure = "The order queries are broken for this test.";

    [Fact]
    public async Task Without_a_dsn_nothing_is_registered_and_a_500_is_still_a_problem()
    {
        await using var api = new BrokenOrderQueriesApi();
        await api.InitializeAsync();
        var client = api.CreateClient();

        await (await MyOrdersAsync(client)).ShouldBeProblemAsync(HttpStatusCode.InternalServerError);

        api.Services.GetService<Sentry.IHub>().ShouldBeNull();
    }

    [Fact]
    public async Task With_a_dsn_an_unhandled_exception_is_sent_as_an_envelope_without_personal_data()
    {
        await using var sentry = await FakeSentry.StartAsync();
        await using var api = new BrokenOrderQueriesApi();
        await api.InitializeAsync();
        api.Settings["Sentry:Dsn"] = $"http://public@127.0.0.1:{sentry.Port}/42";
        var client = api.CreateClient();

        await (await MyOrdersAsync(client)).ShouldBeProblemAsync(HttpStatusCode.InternalServerError);

        await Eventually.HoldsAsync(() => sentry.Envelopes.Any(e => e.Contains(Failure, StringComparison.Ordinal)), "the exception reaches Sentry");
        var envelope = sentry.Envelopes.First(e => e.Contains(Failure, StringComparison.Ordinal));
        envelope.ShouldContain("\"type\":\"event\"");
        envelope.ShouldContain("InvalidOperationException");
        envelope.ShouldContain("\"environment\":\"production\"", Case.Insensitive);
        envelope.ShouldContain("\"release\":\"Vitrine.Api@");
        envelope.ShouldNotContain("Bearer ", Case.Insensitive, "the access token must not be sent");
        envelope.ShouldNotContain("ip_address");
    }

    private static async Task<HttpResponseMessage> MyOrdersAsync(HttpClient client)
    {
        var (_, tokens) = await client.SignUpAsync("shopper");
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/users/me/orders", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        return await client.SendAsync(request);
    }

    /// <summary>An API whose order listing throws inside the pipeline: the global handler answers 500.</summary>
    private sealed class BrokenOrderQueriesApi : ApiFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddScoped<OrderQueries>(_ => throw new InvalidOperationException(Failure)));
        }
    }

    /// <summary>Sentry's envelope endpoint, keeping every envelope it is sent (gunzipped) as text.</summary>
    private sealed class FakeSentry(WebApplication app) : IAsyncDisposable
    {
        public ConcurrentQueue<string> Envelopes { get; } = new();

        public int Port => new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;

        public static async Task<FakeSentry> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var sentry = new FakeSentry(app);
            app.MapPost("/api/{project}/envelope/", async (HttpRequest request) =>
            {
                var body = request.Headers.ContentEncoding == "gzip" ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;
                using var reader = new StreamReader(body);
                sentry.Envelopes.Enqueue(await reader.ReadToEndAsync());
                return Results.Ok(new { id = Guid.NewGuid().ToString("N") });
            });
            await app.StartAsync();
            return sentry;
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
