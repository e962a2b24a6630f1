using k8s.Models;
using Vitrine.Tests.Deploy.Crds;

namespace Vitrine.Tests.Deploy;

/// <summary>
/// Each policy proven able to fail: a fresh copy of the production overlay, broken in one place, must make exactly that
/// policy report exactly that object.
/// </summary>
public sealed class PolicyTests
{
    private static async Task<List<object>> FreshProductionCopyAsync() =>
        [.. Rendered.Parse((await Rendered.OfAsync("production")).Yaml)];

    private static V1Container ApiContainer(List<object> objects) =>
        objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "api").Spec.Template.Spec.Containers.Single();

    [Theory]
    [InlineData("cpu")]
    [InlineData("memory")]
    public async Task AContainerWithoutALimitIsReported(string resource)
    {
        var objects = await FreshProductionCopyAsync();
        Policies.ContainersHaveRequestsAndLimits(objects).ShouldBeEmpty();

        ApiContainer(objects).Resources.Limits.Remove(resource);

        Policies.ContainersHaveRequestsAndLimits(objects).ShouldBe([$"Deployment api container api: no {resource} limit"]);
    }

    [Fact]
    public async Task AJobWithoutRequestsIsReported()
    {
        var objects = await FreshProductionCopyAsync();

        objects.OfType<V1Job>().Single().Spec.Template.Spec.Containers.Single().Resources = null;

        Policies.ContainersHaveRequestsAndLimits(objects).Count.ShouldBe(4);
    }

    [Theory]
    [InlineData("startup")]
    [InlineData("readiness")]
    [InlineData("liveness")]
    public async Task AContainerWithoutAProbeIsReported(string probe)
    {
        var objects = await FreshProductionCopyAsync();
        Policies.ServingContainersHaveProbes(objects).ShouldBeEmpty();

        var container = ApiContainer(objects);
        _ = probe switch
        {
            "startup" => container.StartupProbe = null,
            "readiness" => container.ReadinessProbe = null,
            _ => container.LivenessProbe = null,
        };

        Policies.ServingContainersHaveProbes(objects).ShouldHaveSingleItem().ShouldStartWith($"Deployment api container api: no {probe} probe");
    }

    [Fact]
    public async Task AReadinessProbeOnTheWrongPathIsReported()
    {
        var objects = await FreshProductionCopyAsync();

        ApiContainer(objects).ReadinessProbe.HttpGet.Path = "/health/live";

        Policies.ServingContainersHaveProbes(objects).ShouldHaveSingleItem().ShouldContain("/health/ready");
    }

    [Fact]
    public async Task AContainerThatMayRunAsRootIsReported()
    {
        var objects = await FreshProductionCopyAsync();
        Policies.ContainersAreHardened(objects).ShouldBeEmpty();

        var deployment = objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "web");
        deployment.Spec.Template.Spec.SecurityContext.RunAsNonRoot = null;
        deployment.Spec.Template.Spec.Containers.Single().SecurityContext.RunAsNonRoot = null;

        Policies.ContainersAreHardened(objects).ShouldBe(["Deployment web container web: may run as root (runAsNonRoot)"]);
    }

    [Fact]
    public async Task AWritableRootFilesystemIsReported()
    {
        var objects = await FreshProductionCopyAsync();

        ApiContainer(objects).SecurityContext.ReadOnlyRootFilesystem = false;

        Policies.ContainersAreHardened(objects).ShouldBe(["Deployment api container api: root filesystem is writable (readOnlyRootFilesystem)"]);
    }

    [Fact]
    public async Task CapabilitiesEscalationSeccompAndTokenAreEachReported()
    {
        var objects = await FreshProductionCopyAsync();

        var job = objects.OfType<V1Job>().Single();
        var container = job.Spec.Template.Spec.Containers.Single();
        container.SecurityContext.Capabilities.Drop = [];
        container.SecurityContext.AllowPrivilegeEscalation = null;
        container.SecurityContext.SeccompProfile = null;
        job.Spec.Template.Spec.SecurityContext.SeccompProfile = null;
        job.Spec.Template.Spec.AutomountServiceAccountToken = null;

        Policies.ContainersAreHardened(objects).ShouldBe(
        [
            "Job migrate container migrate: privilege escalation allowed",
            "Job migrate container migrate: capabilities not all dropped",
            "Job migrate container migrate: no RuntimeDefault seccomp profile",
            "Job migrate: mounts a service-account token",
        ]);
    }

    [Theory]
    [InlineData("registry.example.com/vitrine/api:latest")]
    [InlineData("registry.example.com/vitrine/api")]
    [InlineData("registry.example.com:5000/vitrine/api")]
    public async Task AnUnpinnedImageIsReported(string image)
    {
        var objects = await FreshProductionCopyAsync();
        Policies.ImagesArePinned(objects).ShouldBeEmpty();

        ApiContainer(objects).Image = image;

        Policies.ImagesArePinned(objects).ShouldBe([$"Deployment api: image {image} is not pinned to a version"]);
    }

    [Fact]
    public async Task AnOperatorImageAtLatestIsReported()
    {
        var objects = await FreshProductionCopyAsync();

        objects.OfType<Cluster>().Single().Spec.ImageName = "ghcr.io/cloudnative-pg/postgresql:latest";

        Policies.ImagesArePinned(objects).ShouldHaveSingleItem().ShouldStartWith("Cluster vitrine-db");
    }

    [Theory]
    [InlineData("sha256 digest", "vitrine/api@sha256:0123abcd", true)]
    [InlineData("version tag", "vitrine/api:0.14.0", true)]
    [InlineData("registry port is no tag", "localhost:5000/vitrine/api", false)]
    public void ImagePinningReadsTheTagNotTheRegistryPort(string _, string image, bool pinned) =>
        Policies.IsPinned(image).ShouldBe(pinned);

    [Theory]
    [InlineData("api")]
    [InlineData("web")]
    public async Task AServiceWithoutANetworkPolicyIsReported(string service)
    {
        var objects = await FreshProductionCopyAsync();
        Policies.ServicesHaveNetworkPolicies(objects).ShouldBeEmpty();

        objects.RemoveAll(o => o is V1NetworkPolicy p && p.Metadata.Name == service);

        Policies.ServicesHaveNetworkPolicies(objects).ShouldBe([$"Service {service}: no NetworkPolicy admits traffic to its pods"]);
    }

    [Fact]
    public async Task TheDefaultDenyAloneDoesNotCountForAService()
    {
        var objects = await FreshProductionCopyAsync();

        objects.RemoveAll(o => o is V1NetworkPolicy p && p.Metadata.Name != "default-deny");

        Policies.ServicesHaveNetworkPolicies(objects).Count.ShouldBe(2);
    }

    [Fact]
    public async Task AMissingDefaultDenyIsReported()
    {
        var objects = await FreshProductionCopyAsync();
        Policies.DefaultDenyExists(objects).ShouldBeEmpty();

        objects.RemoveAll(o => o is V1NetworkPolicy p && p.Metadata.Name == "default-deny");

        Policies.DefaultDenyExists(objects).ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ASecretWithAValueIsReported(bool asStringData)
    {
        var objects = await FreshProductionCopyAsync();
        Policies.NoSecretValues(objects).ShouldBeEmpty();

        var secret = new V1Secret { Metadata = new V1ObjectMeta { Name = "leaked", NamespaceProperty = "vitrine" } };
        if (asStringData)
        {
            secret.StringData = new Dictionary<string, string> { ["Jwt__SigningKey"] = "not-a-real-key" };
        }
        else
        {
            secret.Data = new Dictionary<string, byte[]> { ["Jwt__SigningKey"] = [1, 2, 3] };
        }

        objects.Add(secret);

        Policies.NoSecretValues(objects).ShouldBe(["Secret leaked: has values in the repository"]);
        Policies.All(objects).ShouldContain("Secret leaked: has values in the repository");
    }

    [Fact]
    public void NoFileUnderDeployK8sDeclaresASecret()
    {
        var files = Directory.EnumerateFiles(Path.Combine(Rendered.RepositoryRoot, "deploy", "k8s"), "*.yaml", SearchOption.AllDirectories).ToList();

        files.Count.ShouldBeGreaterThan(5);
        files.Where(f => File.ReadAllText(f).Contains("kind: Secret\n", StringComparison.Ordinal)).ShouldBeEmpty();
    }
}
