namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>An API with the seed's limits (login 5/min, general 100 req/s) instead of the tests' generous ones.</summary>
public sealed class SeedLimitsApiFactory : ApiFactory
{
    public SeedLimitsApiFactory()
    {
        Settings["RateLimiting:LoginsPerMinute"] = "5";
        Settings["RateLimiting:RegistrationsPerHour"] = "20";
        Settings["RateLimiting:GeneralRequestsPerSecond"] = "100";
    }
}
