using k8s.Models;

namespace Vitrine.Tests.Deploy.Crds;

// CloudNativePG 1.25, postgresql.cnpg.io/v1. Checked field by field (names and types) against github.com/cloudnative-pg/cloudnative-pg
// tag v1.25.4 (commit f7b4ab966a3fdc265d6b1e0fade1f547968631c1): config/crd/bases/postgresql.cnpg.io_clusters.yaml,
// _scheduledbackups.yaml and _poolers.yaml (generated from api/v1/cluster_types.go, scheduledbackup_types.go, pooler_types.go
// and, for barmanObjectStore, github.com/cloudnative-pg/barman-cloud pkg/api); also valid against tag v1.30.0. The webhooks at
// v1.25.4 warn that Cluster and Pooler spec.monitoring.enablePodMonitor are deprecated (internal/webhook/v1/cluster_webhook.go,
// pooler_webhook.go): still accepted.

public sealed class Cluster : CustomResource<ClusterSpec>;

public sealed class ClusterSpec
{
    public int Instances { get; set; }

    public string? ImageName { get; set; }

    public string? PrimaryUpdateStrategy { get; set; }

    public bool? EnablePDB { get; set; }

    public PostgresConfiguration Postgresql { get; set; } = new();

    public BootstrapConfiguration? Bootstrap { get; set; }

    public V1ResourceRequirements? Resources { get; set; }

    public StorageConfiguration? Storage { get; set; }

    public StorageConfiguration? WalStorage { get; set; }

    public AffinityConfiguration? Affinity { get; set; }

    public MonitoringConfiguration? Monitoring { get; set; }

    public BackupConfiguration? Backup { get; set; }
}

public sealed class PostgresConfiguration
{
    public Dictionary<string, string> Parameters { get; set; } = [];
}

public sealed class BootstrapConfiguration
{
    public BootstrapInitDb? Initdb { get; set; }
}

public sealed class BootstrapInitDb
{
    public string? Database { get; set; }

    public string? Owner { get; set; }

    public NameReference? Secret { get; set; }

    public List<string>? PostInitApplicationSQL { get; set; }
}

public sealed class StorageConfiguration
{
    public string? Size { get; set; }

    public string? StorageClass { get; set; }
}

public sealed class AffinityConfiguration
{
    public bool? EnablePodAntiAffinity { get; set; }

    public string? TopologyKey { get; set; }

    public string? PodAntiAffinityType { get; set; }
}

public sealed class MonitoringConfiguration
{
    public bool? EnablePodMonitor { get; set; }
}

public sealed class BackupConfiguration
{
    public string? RetentionPolicy { get; set; }

    public BarmanObjectStore? BarmanObjectStore { get; set; }
}

public sealed class BarmanObjectStore
{
    public string DestinationPath { get; set; } = "";

    public string? EndpointURL { get; set; }

    public S3Credentials? S3Credentials { get; set; }

    public WalBackupConfiguration? Wal { get; set; }

    public DataBackupConfiguration? Data { get; set; }
}

public sealed class S3Credentials
{
    public SecretKeyReference? AccessKeyId { get; set; }

    public SecretKeyReference? SecretAccessKey { get; set; }
}

public sealed class WalBackupConfiguration
{
    public string? Compression { get; set; }

    public int? MaxParallel { get; set; }
}

public sealed class DataBackupConfiguration
{
    public string? Compression { get; set; }

    public int? Jobs { get; set; }
}

public sealed class ScheduledBackup : CustomResource<ScheduledBackupSpec>;

public sealed class ScheduledBackupSpec
{
    public string Schedule { get; set; } = "";

    public bool? Immediate { get; set; }

    public bool? Suspend { get; set; }

    public string? BackupOwnerReference { get; set; }

    public string? Method { get; set; }

    public NameReference Cluster { get; set; } = new();
}

public sealed class Pooler : CustomResource<PoolerSpec>;

public sealed class PoolerSpec
{
    public NameReference Cluster { get; set; } = new();

    public int? Instances { get; set; }

    public string Type { get; set; } = "";

    public MonitoringConfiguration? Monitoring { get; set; }

    public PgBouncerSpec Pgbouncer { get; set; } = new();
}

public sealed class PgBouncerSpec
{
    public string? PoolMode { get; set; }

    public Dictionary<string, string> Parameters { get; set; } = [];
}
