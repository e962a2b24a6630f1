namespace Vitrine.Tests.Deploy.Crds;

// External Secrets Operator 0.17, external-secrets.io/v1. Checked field by field (names and types) against
// github.com/external-secrets/external-secrets tag v0.17.0 (commit 6deca4a6af37f17a4d7c76c091a130564b658db3):
// config/crds/bases/external-secrets.io_externalsecrets.yaml and apis/externalsecrets/v1/externalsecret_types.go (v1 is served
// from 0.17.0 on); also valid against tag v2.9.0.

public sealed class ExternalSecret : CustomResource<ExternalSecretSpec>;

public sealed class ExternalSecretSpec
{
    public string? RefreshInterval { get; set; }

    public SecretStoreReference SecretStoreRef { get; set; } = new();

    public ExternalSecretTarget Target { get; set; } = new();

    public List<ExternalSecretData> Data { get; set; } = [];
}

public sealed class SecretStoreReference
{
    public string Name { get; set; } = "";

    public string? Kind { get; set; }
}

public sealed class ExternalSecretTarget
{
    public string Name { get; set; } = "";

    public string? CreationPolicy { get; set; }

    public ExternalSecretTemplate? Template { get; set; }
}

public sealed class ExternalSecretTemplate
{
    public string? Type { get; set; }
}

public sealed class ExternalSecretData
{
    public string SecretKey { get; set; } = "";

    public RemoteReference RemoteRef { get; set; } = new();
}

public sealed class RemoteReference
{
    public string Key { get; set; } = "";

    public string? Property { get; set; }
}
