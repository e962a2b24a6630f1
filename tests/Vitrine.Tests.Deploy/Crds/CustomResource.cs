using k8s.Models;

namespace Vitrine.Tests.Deploy.Crds;

/// <summary>
/// The operators' custom resources as typed models: the subset of each CRD's schema that Vitrine uses, field names as
/// the CRDs spell them (the source and version of each is on its type). Deserialized strictly, a field these models do
/// not know — a misspelling, a field of another version — fails the test; a nested core type reuses
/// KubernetesClient's own model.
/// </summary>
public abstract class CustomResource<TSpec>
    where TSpec : new()
{
    public string ApiVersion { get; set; } = "";

    public string Kind { get; set; } = "";

    public V1ObjectMeta Metadata { get; set; } = new();

    public TSpec Spec { get; set; } = new();
}

public sealed class SecretKeyReference
{
    public string Name { get; set; } = "";

    public string Key { get; set; } = "";
}

public sealed class NameReference
{
    public string Name { get; set; } = "";
}
