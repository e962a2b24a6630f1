namespace Vitrine.Tests.Deploy.Crds;

// External Secrets Operator 0.17, external-secrets.io/v1: config/crds/bases/external-secrets.io_externalsecrets.yaml
// of github.com/external-secrets/external-secrets.

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
