using Vitrine.Cli.Capacity;

namespace Vitrine.Tests.Deploy;

/// <summary>`vitrine capacity`'s numbers follow from its inputs: known inputs, known replicas, known bills.</summary>
public sealed class CapacityTests
{
    private static readonly Prices SeedPrices = Prices.Load(Path.Combine(Rendered.RepositoryRoot, "deploy", "capacity", "prices.json"));

    /// <summary>Every scenario at 1,000 req/s per core: the mix runs at 1,000 too.</summary>
    private static MeasuredThroughput Flat(double perCore) =>
        new("test.md", "test", CapacityPlanner.MeasuredScenarios.ToDictionary(s => s, _ => perCore));

    [Fact]
    public void TheSeedsCountsCostTheSeedsTotals()
    {
        var seedStores = new StorePlan(DatabaseVcpu: 2, DatabaseMemoryGb: 4, DatabaseStorageGb: 100, DatabaseQueriesPerSecond: 0, RedisMemoryGb: 2);

        foreach (var provider in SeedPrices.Providers)
        {
            CapacityPlanner.Cost(provider, apiReplicas: 3, webReplicas: 4, seedStores).MonthlyUsd.ShouldBe(provider.SeedTotalUsd, provider.Name);
        }

        SeedPrices.Providers.Select(p => p.SeedTotalUsd).ShouldBe([2125, 582, 160]);
    }

    [Fact]
    public void PeakRateIsDailyActiveUsersTimesRequestsOverADayTimesThePeakFactor()
    {
        // 864,000 users × 0.5 × 20 requests = 8.64 M a day = 100 req/s; × 8 = 800 req/s at peak.
        var plan = CapacityPlanner.Plan(new Audience(864_000, 0.5, 20, 8), Flat(1_000), SeedPrices);

        plan.AverageRequestsPerSecond.ShouldBe(100, 1e-9);
        plan.PeakRequestsPerSecond.ShouldBe(800, 1e-9);
    }

    [Theory]
    // 800 req/s ÷ (1,000 × 0.7) = 1.14 cores → 1 replica of 2 CPUs → the HPA's minimum, 3.
    [InlineData(864_000L, 3)]
    // 10× the users: 8,000 req/s ÷ 700 = 11.4 cores → 6 replicas → still 6.
    [InlineData(8_640_000L, 6)]
    // 100×: 80,000 ÷ 700 = 114.3 cores → 58 replicas (past the HPA's 20: the command flags it).
    [InlineData(86_400_000L, 58)]
    public void ApiReplicasAreCoresAtSeventyPercentInTwoCpuReplicas(long users, int replicas)
    {
        var plan = CapacityPlanner.Plan(new Audience(users, 0.5, 20, 8), Flat(1_000), SeedPrices);

        plan.Api.PerCoreRequestsPerSecond.ShouldBe(1_000, 1e-9);
        plan.Api.Cores.ShouldBe(plan.PeakRequestsPerSecond / 700, 1e-9);
        plan.Api.Replicas.ShouldBe(replicas);
    }

    [Fact]
    public void WebReplicasTakeAQuarterOfTheRateInOneCpuReplicas()
    {
        // 8,000 req/s × 0.25 = 2,000 page renders ÷ (1,000 × 0.7) = 2.86 cores → 3 replicas of 1 CPU.
        var plan = CapacityPlanner.Plan(new Audience(8_640_000, 0.5, 20, 8), Flat(1_000), SeedPrices);

        plan.Web.PeakRequestsPerSecond.ShouldBe(2_000, 1e-9);
        plan.Web.Replicas.ShouldBe(3);
    }

    [Fact]
    public void TheMixCostsTheWeightedTimeOfItsRequests()
    {
        var perCore = new Dictionary<string, double> { ["fast"] = 1_000, ["slow"] = 10 };

        // Half at 1 ms, half at 100 ms: 50.5 ms a request → 19.8 req/s, nowhere near the arithmetic mean of 505.
        CapacityPlanner.MixThroughput(new Dictionary<string, double> { ["fast"] = 0.5, ["slow"] = 0.5 }, perCore).ShouldBe(1 / 0.0505, 1e-9);
        CapacityPlanner.ApiMix(40).Values.Sum().ShouldBe(1, 1e-9);
        CapacityPlanner.ApiMix(40)["login"].ShouldBe(1 / 40d, 1e-12);
    }

    [Fact]
    public void MoreUsersNeverCostLess()
    {
        var measured = MeasuredThroughput.Newest(Path.Combine(Rendered.RepositoryRoot, "bench", "results"), CapacityPlanner.MeasuredScenarios);
        var one = CapacityPlanner.Plan(new Audience(1_000_000), measured, SeedPrices);
        var ten = CapacityPlanner.Plan(new Audience(10_000_000), measured, SeedPrices);

        ten.Api.Replicas.ShouldBeGreaterThan(one.Api.Replicas);
        ten.Stores.DatabaseVcpu.ShouldBeGreaterThan(one.Stores.DatabaseVcpu);
        ten.Costs.Zip(one.Costs).ShouldAllBe(pair => pair.First.MonthlyUsd > pair.Second.MonthlyUsd);
    }

    [Fact]
    public void TheCommittedBenchResultsAreReadAsMeasured()
    {
        var measured = MeasuredThroughput.Newest(Path.Combine(Rendered.RepositoryRoot, "bench", "results"), CapacityPlanner.MeasuredScenarios);
        var file = File.ReadAllText(Path.Combine(Rendered.RepositoryRoot, "bench", "results", measured.File));

        measured.Command.ShouldStartWith("./vitrine bench");
        foreach (var (scenario, rps) in measured.PerCore)
        {
            file.ShouldContain($"| {scenario} | ");
            rps.ShouldBeGreaterThan(0);
        }

        // The newest API file that has a row for every scenario of the mix is the one read.
        var newestComplete = Directory.EnumerateFiles(Path.Combine(Rendered.RepositoryRoot, "bench", "results"), "*-api.md")
            .OrderDescending(StringComparer.Ordinal)
            .First(f => CapacityPlanner.MeasuredScenarios.All(scenario => File.ReadAllText(f).Contains($"| {scenario} | ", StringComparison.Ordinal)));
        measured.File.ShouldBe(Path.GetFileName(newestComplete));
        measured.PerCore.Keys.ShouldBeSubsetOf(CapacityPlanner.MeasuredScenarios.Concat(["ceiling", "limiter", "bare", "database", "product-uniform", "mine-one"]));
    }

    [Fact]
    public void ATableIsParsedByItsHeaderAndFirstVariant()
    {
        const string Markdown = """
            Command: `./vitrine bench product database`

            | scenario | variant | req/s | × ceiling |
            |---|---|---:|---:|
            | product | InProcess | 5129 | 0.23 |
            | database | Direct | 625 | 0.03 |
            | database | PgBouncer | 659 | 0.03 |
            """;

        var measured = MeasuredThroughput.Parse("x.md", Markdown);

        measured.Command.ShouldBe("./vitrine bench product database");
        measured.PerCore.ShouldBe(new Dictionary<string, double> { ["product"] = 5129, ["database"] = 625 }, ignoreOrder: true);
    }

    [Fact]
    public void TheReportCarriesEveryProviderAndTheSeedsEstimate()
    {
        var plan = CapacityPlanner.Plan(new Audience(1_000_000), Flat(1_000), SeedPrices);

        var markdown = CapacityReport.Markdown(plan, Flat(1_000), SeedPrices);
        var svg = CapacityReport.Svg(plan);

        markdown.ShouldContain("3 API + 4 web machines, $160–2,125/month");
        SeedPrices.Providers.ShouldAllBe(p => markdown.Contains(p.Name) && svg.Contains(p.Name));
        svg.ShouldStartWith("<svg");
        System.Xml.Linq.XDocument.Parse(svg).Root!.Elements().Count(e => e.Name.LocalName == "rect").ShouldBe(2 * SeedPrices.Providers.Count);
    }
}
