namespace Vitrine.Cli.Capacity;

/// <summary>What `vitrine capacity` is asked: the audience and how it uses the shop.</summary>
public sealed record Audience(long Users, double DailyActiveShare = 0.3, double RequestsPerUser = 40, double PeakFactor = 8, long Products = 100_000);

/// <summary>One tier's sizing: the traffic it takes at peak, the cores that takes at the target CPU, its replicas.</summary>
public sealed record TierPlan(string Tier, double PerCoreRequestsPerSecond, double PeakRequestsPerSecond, double Cores, int CoresPerReplica, int Replicas, int SeedReplicas);

public sealed record StorePlan(int DatabaseVcpu, double DatabaseMemoryGb, double DatabaseStorageGb, double DatabaseQueriesPerSecond, double RedisMemoryGb);

public sealed record ProviderCost(string Provider, double MonthlyUsd, double SeedMonthlyUsd, IReadOnlyList<PricedItem> Lines);

public sealed record CapacityPlan(Audience Audience, double AverageRequestsPerSecond, double PeakRequestsPerSecond, TierPlan Api, TierPlan Web, StorePlan Stores, IReadOnlyList<ProviderCost> Costs);

/// <summary>
/// The arithmetic of `vitrine capacity`, every step from a named input: daily active users × requests each ÷ a day ×
/// the peak factor is the peak rate; a tier's cores are its peak rate ÷ (the measured per-core rate × the HPA's 70 %
/// CPU target); its replicas are those cores in the seed's replica size (API 2 CPUs, Web 1), never fewer than the
/// HPA's minimum of 3.
/// </summary>
public static class CapacityPlanner
{
    /// <summary>The HPA's target (seed: averageUtilization 70) and its bounds (seed: 3–20 replicas).</summary>
    public const double TargetCpu = 0.70;
    public const int MinReplicas = 3;
    public const int MaxReplicas = 20;

    /// <summary>The seed's cache-hit target (70 %+): a miss is what reaches PostgreSQL.</summary>
    public const double CacheHitRatio = 0.70;

    /// <summary>
    /// The API's request mix (an assumption, stated once here): catalog reads dominate, a user signs in once a day
    /// (so login is 1 / requests-per-user), places 0.4 orders a day (1 % of 40 requests). Each scenario is a
    /// `vitrine bench` scenario of the same name.
    /// </summary>
    public static IReadOnlyDictionary<string, double> ApiMix(double requestsPerUser)
    {
        var login = 1 / requestsPerUser;
        const double place = 0.01;
        var rest = 1 - login - place;
        return new Dictionary<string, double>
        {
            ["product"] = rest * 0.40,
            ["list"] = rest * 0.25,
            ["search"] = rest * 0.25,
            ["mine"] = rest * 0.10,
            ["place"] = place,
            ["login"] = login,
        };
    }

    public static readonly string[] MeasuredScenarios = ["product", "list", "search", "mine", "place", "login"];

    /// <summary>Page renders per API request: a page view is one Web request that makes about four API calls.</summary>
    public const double WebRequestsPerApiRequest = 0.25;

    /// <summary>A replica's size in the seed (and deploy/k8s): API 2 CPU / 2 GB, Web 1 CPU / 1 GB; seed counts 3 and 4.</summary>
    public const int ApiCoresPerReplica = 2;
    public const int WebCoresPerReplica = 1;

    /// <summary>Per-core throughput of a mix: the weighted harmonic mean (the time one request of the mix costs, inverted).</summary>
    public static double MixThroughput(IReadOnlyDictionary<string, double> mix, IReadOnlyDictionary<string, double> perCore) =>
        1 / mix.Sum(m => m.Value / perCore[m.Key]);

    public static TierPlan Tier(string tier, double perCore, double peak, int coresPerReplica, int seedReplicas)
    {
        var cores = peak / (perCore * TargetCpu);
        var replicas = Math.Max(MinReplicas, (int)Math.Ceiling(cores / coresPerReplica));
        return new TierPlan(tier, perCore, peak, cores, coresPerReplica, replicas, seedReplicas);
    }

    public static CapacityPlan Plan(Audience audience, MeasuredThroughput measured, Prices prices)
    {
        var daily = audience.Users * audience.DailyActiveShare * audience.RequestsPerUser;
        var average = daily / 86_400;
        var peak = average * audience.PeakFactor;

        var mix = ApiMix(audience.RequestsPerUser);
        var api = Tier("API", MixThroughput(mix, measured.PerCore), peak, ApiCoresPerReplica, prices.SeedEstimate.ApiMachines);

        // bench measures no Web throughput (bench web is Lighthouse): a page render is taken to cost what the API's
        // product-list read costs (one cached read plus rendering). Replace it once a Web throughput is measured.
        var web = Tier("Web", measured.PerCore["list"], peak * WebRequestsPerApiRequest, WebCoresPerReplica, 4);

        var stores = Stores(audience, peak, mix, measured);
        var costs = prices.Providers.Select(p => Cost(p, api.Replicas, web.Replicas, stores)).ToList();
        return new CapacityPlan(audience, average, peak, api, web, stores, costs);
    }

    /// <summary>
    /// PostgreSQL: cache misses and writes at peak, at the per-core rate of bench's `database` scenario when measured
    /// (one query per request), else the `mine` scenario's (a read that always reaches the database). Memory holds
    /// the working set (users, products, 90 days of orders) at the seed's effective_cache_size share of 75 %, never
    /// less than the seed's 4 GB; storage is two years of orders (the partitions kept) plus users and products, × 2
    /// for indexes. Redis: the cache's catalog pages and counters plus the durable sessions and queue, × 1.3 headroom,
    /// never less than the seed's 2 GB.
    /// </summary>
    public static StorePlan Stores(Audience audience, double peak, IReadOnlyDictionary<string, double> mix, MeasuredThroughput measured)
    {
        var reads = peak * (mix["product"] + mix["list"] + mix["search"]) * (1 - CacheHitRatio) + peak * mix["mine"];
        var writes = peak * (mix["place"] * 3 + mix["login"] * 2);
        var queries = reads + writes;
        var perCore = measured.PerCore.TryGetValue("database", out var database) ? database : measured.PerCore["mine"];
        var vcpu = Math.Max(2, (int)Math.Ceiling(queries / (perCore * TargetCpu)));

        const double Gb = 1024d * 1024 * 1024;
        var dailyActive = audience.Users * audience.DailyActiveShare;
        var ordersPerDay = dailyActive * audience.RequestsPerUser * mix["place"];
        var workingSet = (audience.Users * 1_024d + audience.Products * 2_048d + ordersPerDay * 90 * 1_536d) / Gb;
        var memory = Math.Max(4, Math.Ceiling(workingSet / 0.75));
        var storage = Math.Ceiling((audience.Users * 1_024d + audience.Products * 2_048d + ordersPerDay * 730 * 1_536d) * 2 / Gb);

        var cache = audience.Products * 4_096d + dailyActive * 0.1 * 128;
        var durable = dailyActive * 2_048d;
        var redis = Math.Max(2, Math.Ceiling((cache + durable) * 1.3 / Gb * 10) / 10);
        return new StorePlan(vcpu, memory, storage, queries, redis);
    }

    /// <summary>A provider's monthly bill for these replicas and stores, by the seed's own unit prices.</summary>
    public static ProviderCost Cost(Provider provider, int apiReplicas, int webReplicas, StorePlan stores)
    {
        var lines = new List<PricedItem>();
        if (provider.Dedicated is { } box)
        {
            // Everything packed onto dedicated machines by cores and memory, never fewer than the seed's three.
            var cores = apiReplicas * ApiCoresPerReplica + webReplicas * WebCoresPerReplica + stores.DatabaseVcpu + 1;
            var memory = apiReplicas * 2 + webReplicas * 1 + stores.DatabaseMemoryGb + stores.RedisMemoryGb;
            var machines = Math.Max(box.SeedCount, Math.Max((int)Math.Ceiling(cores / (double)box.Cores), (int)Math.Ceiling(memory / box.MemoryGb)));
            lines.Add(new PricedItem($"{machines} × {box.Spec}", machines * box.Usd));
        }
        else
        {
            var api = provider.Api!;
            var web = provider.Web!;
            var db = provider.Database!;
            var redis = provider.Redis!;
            var apiMachines = (int)Math.Ceiling(apiReplicas / (double)api.ReplicasPerMachine);
            var webMachines = (int)Math.Ceiling(webReplicas / (double)web.ReplicasPerMachine);
            var dbUnits = Math.Max(1, Math.Max((int)Math.Ceiling(stores.DatabaseVcpu / (double)db.Vcpu), (int)Math.Ceiling(stores.DatabaseMemoryGb / db.MemoryGb)));
            var redisUnits = Math.Max(1, (int)Math.Ceiling(stores.RedisMemoryGb / redis.MemoryGb));
            lines.Add(new PricedItem($"{apiMachines} × {api.Spec} (API)", apiMachines * api.Usd));
            lines.Add(new PricedItem($"{webMachines} × {web.Spec} (Web)", webMachines * web.Usd));
            lines.Add(new PricedItem($"{dbUnits} × {db.Spec}", dbUnits * db.Usd));
            lines.Add(new PricedItem($"{redisUnits} × {redis.Spec}", redisUnits * redis.Usd));
        }

        lines.AddRange(provider.Fixed);
        return new ProviderCost(provider.Name, Math.Round(lines.Sum(l => l.Usd)), provider.SeedTotalUsd, lines);
    }
}
