using k8s.Models;
using Vitrine.Tests.Deploy.Crds;

namespace Vitrine.Tests.Deploy;

/// <summary>Every overlay renders, every object is a known type with known fields, and every policy holds.</summary>
public sealed class ManifestTests
{
    public static TheoryData<string> Overlays => [.. Rendered.Overlays];

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task OverlayRendersToKnownObjectsOnly(string overlay)
    {
        var rendered = await Rendered.OfAsync(overlay);

        rendered.Objects.Count.ShouldBeGreaterThan(30);
        rendered.Objects.ShouldAllBe(o => o.GetType().Namespace == "k8s.Models" || o.GetType().Namespace == typeof(Cluster).Namespace);
        rendered.Yaml.ShouldNotContain(":latest");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task OverlayKeepsEveryPolicy(string overlay)
    {
        var rendered = await Rendered.OfAsync(overlay);

        Policies.All(rendered.Objects).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task EveryObjectLivesInTheVitrineNamespace(string overlay)
    {
        var rendered = await Rendered.OfAsync(overlay);

        rendered.All<IMetadata<V1ObjectMeta>>().Where(o => o is not V1Namespace).ShouldAllBe(o => o.Metadata.NamespaceProperty == "vitrine");
    }

    [Fact]
    public void AnUnknownFieldIsRefused()
    {
        const string Misspelt = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api}
            spec:
              replica: 3
              selector: {matchLabels: {app: api}}
              template: {spec: {containers: []}}
            """;

        Should.Throw<Exception>(() => Rendered.Parse(Misspelt)).Message.ShouldContain("replica");
    }

    [Fact]
    public void AnUnknownFieldOfAnOperatorResourceIsRefused()
    {
        const string Misspelt = """
            apiVersion: postgresql.cnpg.io/v1
            kind: Cluster
            metadata: {name: db}
            spec:
              instances: 3
              backup: {retentionPolicy: 30d, barmanObjectStore: {destinationPath: s3://x, walCompression: gzip}}
            """;

        Should.Throw<Exception>(() => Rendered.Parse(Misspelt)).Message.ShouldContain("walCompression");
    }

    [Fact]
    public async Task EachSentinelWatchesItsReplicationWithThePrimarysPassword()
    {
        var rendered = await Rendered.OfAsync("production");

        foreach (var sentinel in rendered.All<RedisSentinel>())
        {
            var replication = rendered.One<RedisReplication>(sentinel.Spec.RedisSentinelConfig.RedisReplicationName);
            var password = replication.Spec.KubernetesConfig.RedisSecret;

            // Without it Sentinel cannot authenticate to a primary with a password (sentinel auth-pass from MASTER_PASSWORD).
            var reference = sentinel.Spec.RedisSentinelConfig.RedisReplicationPassword?.SecretKeyRef;
            if (password is null)
            {
                reference.ShouldBeNull(sentinel.Metadata.Name);
            }
            else
            {
                reference.ShouldNotBeNull(sentinel.Metadata.Name);
                (reference.Name, reference.Key).ShouldBe((password.Name, password.Key), sentinel.Metadata.Name);
            }
        }
    }

    [Fact]
    public void AnUnknownKindIsRefused()
    {
        const string Unknown = """
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w}
            """;

        Should.Throw<Exception>(() => Rendered.Parse(Unknown));
    }
}
