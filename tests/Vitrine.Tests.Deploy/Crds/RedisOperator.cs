using k8s.Models;

namespace Vitrine.Tests.Deploy.Crds;

// OT-Container-Kit redis-operator 0.18, redis.redis.opstreelabs.in/v1beta2: config/crd/bases/
// redis.redis.opstreelabs.in_redisreplications.yaml and _redissentinels.yaml of github.com/OT-CONTAINER-KIT/redis-operator.

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
}
