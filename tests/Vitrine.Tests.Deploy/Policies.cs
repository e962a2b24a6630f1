using k8s.Models;
using Vitrine.Tests.Deploy.Crds;

namespace Vitrine.Tests.Deploy;

/// <summary>
/// The rules every rendered manifest set must keep, each a named check that returns what breaks it (empty: kept). The
/// tests run them on every overlay, and on mutated copies to prove each one reports what it is for.
/// </summary>
public static class Policies
{
    public static IReadOnlyList<string> ContainersHaveRequestsAndLimits(IEnumerable<object> objects) =>
        [.. Containers(objects).SelectMany(c => new[] { "cpu", "memory" }
            .SelectMany(resource => new[]
            {
                c.Container.Resources?.Limits?.ContainsKey(resource) == true ? null : $"{c.Owner} container {c.Container.Name}: no {resource} limit",
                c.Container.Resources?.Requests?.ContainsKey(resource) == true ? null : $"{c.Owner} container {c.Container.Name}: no {resource} request",
            })
            .OfType<string>())];

    /// <summary>Long-running containers (Deployments) need startup, readiness and liveness probes; a Job's do not.</summary>
    public static IReadOnlyList<string> ServingContainersHaveProbes(IEnumerable<object> objects) =>
        [.. Containers(objects).Where(c => c.Serving).SelectMany(c => new[]
        {
            c.Container.StartupProbe is null ? $"{c.Owner} container {c.Container.Name}: no startup probe" : null,
            c.Container.ReadinessProbe?.HttpGet?.Path == "/health/ready" ? null : $"{c.Owner} container {c.Container.Name}: no readiness probe on /health/ready",
            c.Container.LivenessProbe?.HttpGet?.Path == "/health/live" ? null : $"{c.Owner} container {c.Container.Name}: no liveness probe on /health/live",
        }.OfType<string>())];

    public static IReadOnlyList<string> ContainersAreHardened(IEnumerable<object> objects) =>
        [.. Containers(objects).SelectMany(c =>
        {
            var pod = c.Pod.SecurityContext;
            var own = c.Container.SecurityContext;
            return new[]
            {
                (own?.RunAsNonRoot ?? pod?.RunAsNonRoot) == true ? null : $"{c.Owner} container {c.Container.Name}: may run as root (runAsNonRoot)",
                (own?.RunAsUser ?? pod?.RunAsUser) is 0 ? $"{c.Owner} container {c.Container.Name}: runs as uid 0" : null,
                own?.ReadOnlyRootFilesystem == true ? null : $"{c.Owner} container {c.Container.Name}: root filesystem is writable (readOnlyRootFilesystem)",
                own?.AllowPrivilegeEscalation == false ? null : $"{c.Owner} container {c.Container.Name}: privilege escalation allowed",
                own?.Capabilities?.Drop?.Contains("ALL") == true && own.Capabilities.Add is not { Count: > 0 } ? null : $"{c.Owner} container {c.Container.Name}: capabilities not all dropped",
                (own?.SeccompProfile ?? pod?.SeccompProfile)?.Type == "RuntimeDefault" ? null : $"{c.Owner} container {c.Container.Name}: no RuntimeDefault seccomp profile",
                c.Pod.AutomountServiceAccountToken == false ? null : $"{c.Owner}: mounts a service-account token",
            }.OfType<string>();
        })];

    /// <summary>Every image anywhere (pods and the operators' resources) carries a version tag (or digest), never latest.</summary>
    public static IReadOnlyList<string> ImagesArePinned(IEnumerable<object> objects) =>
        [.. Images(objects).Where(i => !IsPinned(i.Image)).Select(i => $"{i.Owner}: image {i.Image} is not pinned to a version")];

    /// <summary>Every Service's pods are selected by a NetworkPolicy that admits some traffic (beyond the default deny).</summary>
    public static IReadOnlyList<string> ServicesHaveNetworkPolicies(IEnumerable<object> objects)
    {
        var list = objects.ToList();
        var policies = list.OfType<V1NetworkPolicy>().Where(p => p.Spec.Ingress is { Count: > 0 }).ToList();
        return [.. list.OfType<V1Service>()
            .Where(s => s.Spec.Selector is { Count: > 0 })
            .Where(s => !policies.Any(p => p.Metadata.NamespaceProperty == s.Metadata.NamespaceProperty && Selects(p.Spec.PodSelector, s.Spec.Selector)))
            .Select(s => $"Service {s.Metadata.Name}: no NetworkPolicy admits traffic to its pods")];
    }

    /// <summary>No Secret carries a value in the repository: secrets arrive by reference (ExternalSecret) or by hand.</summary>
    public static IReadOnlyList<string> NoSecretValues(IEnumerable<object> objects) =>
        [.. objects.OfType<V1Secret>()
            .Where(s => s.Data is { Count: > 0 } || s.StringData is { Count: > 0 })
            .Select(s => $"Secret {s.Metadata.Name}: has values in the repository")];

    /// <summary>The default deny every other policy opens holes in.</summary>
    public static IReadOnlyList<string> DefaultDenyExists(IEnumerable<object> objects) =>
        objects.OfType<V1NetworkPolicy>().Any(p => p.Spec.PodSelector.MatchLabels is not { Count: > 0 } && p.Spec.PodSelector.MatchExpressions is not { Count: > 0 }
            && p.Spec.Ingress is not { Count: > 0 } && p.Spec.Egress is not { Count: > 0 }
            && p.Spec.PolicyTypes is { } types && types.Contains("Ingress") && types.Contains("Egress"))
            ? []
            : ["no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules)"];

    public static IReadOnlyList<string> All(IEnumerable<object> objects)
    {
        var list = objects.ToList();
        return [.. ContainersHaveRequestsAndLimits(list), .. ServingContainersHaveProbes(list), .. ContainersAreHardened(list),
            .. ImagesArePinned(list), .. ServicesHaveNetworkPolicies(list), .. NoSecretValues(list), .. DefaultDenyExists(list)];
    }

    public static bool IsPinned(string image)
    {
        if (image.Contains("@sha256:", StringComparison.Ordinal))
        {
            return true;
        }

        var lastSegment = image[(image.LastIndexOf('/') + 1)..];
        var colon = lastSegment.LastIndexOf(':');
        return colon > 0 && lastSegment[(colon + 1)..] is { Length: > 0 } tag && tag != "latest";
    }

    private static bool Selects(V1LabelSelector selector, IDictionary<string, string> labels) =>
        (selector.MatchLabels ?? new Dictionary<string, string>()).All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value)
        && (selector.MatchExpressions ?? []).All(e => e.OperatorProperty switch
        {
            "In" => labels.TryGetValue(e.Key, out var v) && e.Values.Contains(v),
            "NotIn" => !labels.TryGetValue(e.Key, out var v) || !e.Values.Contains(v),
            "Exists" => labels.ContainsKey(e.Key),
            "DoesNotExist" => !labels.ContainsKey(e.Key),
            _ => false,
        })
        && (selector.MatchLabels is { Count: > 0 } || selector.MatchExpressions is { Count: > 0 });

    private sealed record PodContainer(string Owner, V1PodSpec Pod, V1Container Container, bool Serving);

    private static IEnumerable<PodContainer> Containers(IEnumerable<object> objects)
    {
        foreach (var o in objects)
        {
            if (PodOf(o) is not var (owner, pod, serving))
            {
                continue;
            }

            foreach (var container in (pod.InitContainers ?? []).Concat(pod.Containers))
            {
                yield return new PodContainer(owner, pod, container, serving && pod.Containers.Contains(container));
            }
        }
    }

    private static (string Owner, V1PodSpec Pod, bool Serving)? PodOf(object o) => o switch
    {
        V1Deployment d => ($"Deployment {d.Metadata.Name}", d.Spec.Template.Spec, true),
        V1StatefulSet s => ($"StatefulSet {s.Metadata.Name}", s.Spec.Template.Spec, true),
        V1DaemonSet s => ($"DaemonSet {s.Metadata.Name}", s.Spec.Template.Spec, true),
        V1Job j => ($"Job {j.Metadata.Name}", j.Spec.Template.Spec, false),
        V1CronJob j => ($"CronJob {j.Metadata.Name}", j.Spec.JobTemplate.Spec.Template.Spec, false),
        V1Pod p => ($"Pod {p.Metadata.Name}", p.Spec, true),
        _ => null,
    };

    private static IEnumerable<(string Owner, string Image)> Images(IEnumerable<object> objects) =>
        objects.SelectMany(o => o switch
        {
            Cluster c => [($"Cluster {c.Metadata.Name}", c.Spec.ImageName ?? "")],
            RedisReplication r => new[] { ($"RedisReplication {r.Metadata.Name}", r.Spec.KubernetesConfig.Image) }
                .Concat(r.Spec.RedisExporter is { Enabled: true } e ? [($"RedisReplication {r.Metadata.Name} exporter", e.Image)] : []),
            RedisSentinel r => [($"RedisSentinel {r.Metadata.Name}", r.Spec.KubernetesConfig.Image)],
            _ => Containers([o]).Select(c => (c.Owner, c.Container.Image)),
        });
}
