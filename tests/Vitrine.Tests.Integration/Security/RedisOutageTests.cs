using System.Net;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Integration.Security;

/// <summary>What the API does while Redis is down: reads go on, login stays throttled (per process), nothing 5xx.</summary>
public sealed class RedisOutageTests(OwnRedisApiFactory api) : IClassFixture<OwnRedisApiFactory>
{
    [Fact]
    public async Task Login_keeps_a_per_process_limit_while_redis_is_down_and_recovers_after()
    {
        var client = api.CreateClient();
        var email = Infrastructure.Accounts.UniqueEmail();
        await client.RegisterAsync(email);

        await api.Redis.StopAsync();
        try
        {
            (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await client.GetAsync(new Uri("/api/v1/categories", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);

            for (var attempt = 0; attempt < 5; attempt++)
            {
                var response = await client.PostJsonAsync("/api/v1/auth/login", new { email, password = "wrong password" }, $"10.9.8.{attempt + 1}");
                response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            }

            var sixth = await client.PostJsonAsync("/api/v1/auth/login", new { email, password = Infrastructure.Accounts.Password }, "10.9.8.99");
            await sixth.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
        }
        finally
        {
            await api.Redis.StartAsync();
        }

        // Back on Redis (a fresh, empty one): the shared count starts over and a correct login works.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        HttpResponseMessage ready;
        do
        {
            await Task.Delay(200);
            ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        }
        while (ready.StatusCode != HttpStatusCode.OK && DateTime.UtcNow < deadline);

        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        await client.LoginAsync(email);
    }
}
