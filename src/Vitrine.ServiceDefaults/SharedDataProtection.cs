using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Vitrine.Data;

namespace Vitrine.ServiceDefaults;

/// <summary>
/// Data Protection keys (anti-forgery tokens, auth cookies) kept in the durable Redis, so every replica can read what
/// another wrote: no in-memory state that matters, a login on one replica continues on the next.
/// </summary>
public static class SharedDataProtection
{
    public static WebApplicationBuilder AddSharedDataProtection(this WebApplicationBuilder builder)
    {
        var stack = builder.Configuration.GetValue("Caching:Name", "vitrine")!;
        builder.Services.AddDataProtection().SetApplicationName(stack);
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((options, services) =>
            options.XmlRepository = new RedisXmlRepository(
                () => services.GetRequiredKeyedService<IConnectionMultiplexer>(RedisConnections.Durable).GetDatabase(),
                $"{stack}:data-protection-keys"));
        return builder;
    }
}
