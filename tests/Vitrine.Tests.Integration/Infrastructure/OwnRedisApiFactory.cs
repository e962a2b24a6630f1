namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>
/// An API whose cache Redis is its own, so a test can stop and restart it without disturbing other test classes.
/// Limits are the seed's.
/// </summary>
public sealed class OwnRedisApiFactory : ApiFactory
{
    public RedisServer Redis { get; private set; } = null!;

    public OwnRedisApiFactory()
    {
        Settings["RateLimiting:LoginsPerMinute"] = "5";
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Redis = await RedisServer.StartAsync(Servers.Root, RedisServer.Kind.Cache);
        Settings["ConnectionStrings:Redis"] = Redis.ConnectionString;
        Settings["ConnectionStrings:RedisDurable"] = Redis.ConnectionString;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Redis.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
