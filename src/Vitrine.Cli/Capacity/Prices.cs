using System.Text.Json;

namespace Vitrine.Cli.Capacity;

/// <summary>deploy/capacity/prices.json: the seed's three cost tables, kept as data with their date.</summary>
public sealed record Prices(string Source, string AsOf, string Currency, SeedEstimate SeedEstimate, IReadOnlyList<Provider> Providers)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow };

    public static Prices Load(string path) =>
        JsonSerializer.Deserialize<Prices>(File.ReadAllText(path), Options) ?? throw new InvalidOperationException($"{path} is empty");
}

public sealed record SeedEstimate(int ApiMachines, int WebMachines, double LowUsd, double HighUsd);

public sealed record Provider(
    string Name,
    double SeedTotalUsd,
    IReadOnlyList<PricedItem> Fixed,
    MachinePrice? Api = null,
    MachinePrice? Web = null,
    DatabasePrice? Database = null,
    RedisPrice? Redis = null,
    DedicatedPrice? Dedicated = null,
    string? Note = null);

public sealed record PricedItem(string Spec, double Usd);

public sealed record MachinePrice(string Spec, double Usd, int ReplicasPerMachine, int SeedCount);

public sealed record DatabasePrice(string Spec, double Usd, int Vcpu, double MemoryGb);

public sealed record RedisPrice(string Spec, double Usd, double MemoryGb);

public sealed record DedicatedPrice(string Spec, double Usd, int Cores, double MemoryGb, int SeedCount);
