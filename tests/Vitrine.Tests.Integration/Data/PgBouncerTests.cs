using System.Net;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Integration.Data;

/// <summary>
/// Every integration test's API reaches the primary through PgBouncer in transaction mode (ApiFactory), so the whole
/// suite — concurrent order placement included — is the proof that nothing needs a session; this checks the wiring.
/// </summary>
public sealed class PgBouncerTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task The_api_talks_to_the_primary_through_pgbouncer_in_transaction_mode()
    {
        var client = api.CreateClient();
        var (_, user) = await client.SignUpAsync();
        (await client.GetAsync("/api/v1/users/me", user.AccessToken)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var database = PgBouncerServer.DatabaseOf(api.ConnectionString);
        var pools = await api.Servers.PgBouncer.AdminAsync("SHOW POOLS");
        var pool = pools.SingleOrDefault(row => row[0] == database);
        pool.ShouldNotBeNull($"no PgBouncer pool for {database}: {string.Join("; ", pools.Select(row => string.Join('|', row)))}");
        pool[^1].ShouldBe("transaction");
    }
}
