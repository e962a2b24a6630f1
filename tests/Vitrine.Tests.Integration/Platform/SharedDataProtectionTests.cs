using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Integration.Platform;

public sealed class SharedDataProtectionTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task What_one_replica_protects_another_can_read()
    {
        await using var replica = api.Replica();
        var first = api.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");
        var second = replica.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test");

        var token = first.Protect("a session that moves between replicas");

        second.Unprotect(token).ShouldBe("a session that moves between replicas");

        // …because the key ring lives in the durable Redis, not on one machine's disk.
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(api.Servers.Durable.ConnectionString);
        (await redis.GetDatabase().ListLengthAsync($"{api.Settings["Caching:Name"]}:data-protection-keys")).ShouldBeGreaterThan(0);
    }
}
