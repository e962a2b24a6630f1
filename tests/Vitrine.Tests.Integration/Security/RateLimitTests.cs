using System.Net;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Integration.Security;

/// <summary>API4:2023 — the seed's limits, exact across two API instances sharing Redis.</summary>
public sealed class RateLimitTests(SeedLimitsApiFactory api) : IClassFixture<SeedLimitsApiFactory>
{
    private static string RandomAddress() => Infrastructure.Accounts.RandomAddress();

    [Fact]
    public async Task Login_is_limited_to_5_a_minute_per_account_across_replicas()
    {
        await using var replica = api.Replica();
        var clients = new[] { api.CreateClient(), replica.CreateClient() };
        var email = Infrastructure.Accounts.UniqueEmail();
        await clients[0].RegisterAsync(email);

        // Each attempt from a different address and alternating replicas: only the per-account limit applies.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var response = await clients[attempt % 2].PostJsonAsync("/api/v1/auth/login", new { email, password = "wrong password" }, RandomAddress());
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        var sixth = await clients[1].PostJsonAsync("/api/v1/auth/login", new { email, password = Infrastructure.Accounts.Password }, RandomAddress());
        await sixth.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        int.Parse(sixth.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(1, 60);
        sixth.ShouldCarrySecurityHeaders();
    }

    [Fact]
    public async Task Login_is_limited_to_5_a_minute_per_client_address_across_replicas()
    {
        await using var replica = api.Replica();
        var clients = new[] { api.CreateClient(), replica.CreateClient() };
        var address = RandomAddress();

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var response = await clients[attempt % 2].PostJsonAsync("/api/v1/auth/login", new { email = Infrastructure.Accounts.UniqueEmail(), password = "whatever1" }, address);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        var sixth = await clients[0].PostJsonAsync("/api/v1/auth/login", new { email = Infrastructure.Accounts.UniqueEmail(), password = "whatever1" }, address);
        await sixth.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);

        // Another address is not affected.
        var other = await clients[1].PostJsonAsync("/api/v1/auth/login", new { email = Infrastructure.Accounts.UniqueEmail(), password = "whatever1" }, RandomAddress());
        other.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Registration_is_limited_to_20_an_hour_per_client_address_across_replicas()
    {
        await using var replica = api.Replica();
        var clients = new[] { api.CreateClient(), replica.CreateClient() };
        var address = RandomAddress();

        for (var attempt = 0; attempt < 20; attempt++)
        {
            var response = await clients[attempt % 2].PostJsonAsync("/api/v1/auth/register", new { email = Infrastructure.Accounts.UniqueEmail(), password = Infrastructure.Accounts.Password, name = "N" }, address);
            response.StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        var email = Infrastructure.Accounts.UniqueEmail();
        var refused = await clients[1].PostJsonAsync("/api/v1/auth/register", new { email, password = Infrastructure.Accounts.Password, name = "N" }, address);
        await refused.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        (await clients[0].PostJsonAsync("/api/v1/auth/login", new { email, password = Infrastructure.Accounts.Password }, RandomAddress())).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_general_limit_answers_429_with_retry_after_beyond_100_requests_a_second()
    {
        var client = api.CreateClient();
        var address = RandomAddress();
        var responses = await Task.WhenAll(Enumerable.Range(0, 250).Select(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/categories", UriKind.Relative));
            request.Headers.Add("X-Forwarded-For", address);
            return client.SendAsync(request);
        }));

        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        limited.ShouldNotBeEmpty();
        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBeGreaterThanOrEqualTo(100);
        await limited[0].ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        limited[0].Headers.RetryAfter.ShouldNotBeNull();
    }
}
