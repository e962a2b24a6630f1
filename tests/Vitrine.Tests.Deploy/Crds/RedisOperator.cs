using k8s.Models;

namespace Vitrine.Tests.Deploy.Crds;

// OT-Container-Kit redis-operator 0.18, redis.redis.opstreelabs.in/v1beta2. Checked field by field (names and types) against
// github.com/OT-CONTAINER-KIT/redis-operator tag v0.18.1 (commit c48c9c5b0d09fb3e3438e269c7b5457585d062c2):
// config/crd/bases/redis.redis.opstreelabs.in_redisreplications.yaml and _redissentinels.yaml, api/common_types.go,
// api/v1beta2/redisreplication_types.go and redissentinel_types.go; also valid against tag v0.26.0.

public sealed class RedisReplication : CustomResource<RedisReplicationSpec>;

public sealed class RedisReplicationSpec
{
    public int ClusterSize { get; set; }

    public V1PodSecurityContext? PodSecurityContext { get; set; }

    public RedisKubernetesConfig KubernetesConfig { get; set; } = new();

    public RedisConfig? RedisConfig { get; set; }

    public RedisExporter? RedisExporter { get; set; }

    public RedisStorage? Storage { get; set; }
}

public sealed class RedisKubernetesConfig
{
    public string Image { get; set; } = "";

    public string? ImagePullPolicy { get; set; }

    public V1ResourceRequirements? Resources { get; set; }

    public SecretKeyReference? RedisSecret { get; set; }
}

public sealed class RedisConfig
{
    public string? AdditionalRedisConfig { get; set; }
}

public sealed class RedisExporter
{
    public bool Enabled { get; set; }

    public string Image { get; set; } = "";

    public string? ImagePullPolicy { get; set; }

    public V1ResourceRequirements? Resources { get; set; }
}

public sealed class RedisStorage
{
    public RedisVolumeClaimTemplate? VolumeClaimTemplate { get; set; }
}

public sealed class RedisVolumeClaimTemplate
{
    public V1PersistentVolumeClaimSpec? Spec { get; set; }
}

public sealed class RedisSentinel : CustomResource<RedisSentinelSpec>;

public sealed class RedisSentinelSpec
{
    public int ClusterSize { get; set; }

    public V1PodSecurityContext? PodSecurityContext { get; set; }

    public RedisKubernetesConfig KubernetesConfig { get; set; } = new();

    public RedisSentinelConfig RedisSentinelConfig { get; set; } = new();
}

public sealed class RedisSentinelConfig
{
    public string RedisReplicationName { get; set; } = "";

    public string? MasterGroupName { get; set; }

    public string? RedisPort { get; set; }

    public string? Quorum { get; set; }

    /// <summary>The replication's password, which Sentinel needs to watch a primary that has one (the operator passes it as
    /// MASTER_PASSWORD: pkg/k8sutils/redis-sentinel.go at v0.18.1); kubernetesConfig.redisSecret only protects Sentinel itself.</summary>
    public V1EnvVarSource? RedisReplicationPassword { get; set; }
}
