using k8s.Models;

namespace Vitrine.Tests.Deploy.Crds;

// prometheus-operator 0.79, monitoring.coreos.com/v1. Checked field by field (names and types) against
// github.com/prometheus-operator/prometheus-operator tag v0.79.2 (commit 1d2dca5a93d50fe09d7662860f80448d2e37ff1a):
// example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml, _podmonitors.yaml and _prometheusrules.yaml, and
// pkg/apis/monitoring/v1/servicemonitor_types.go, podmonitor_types.go, prometheusrule_types.go; also valid against tag v0.93.0.

public sealed class ServiceMonitor : CustomResource<ServiceMonitorSpec>;

public sealed class ServiceMonitorSpec
{
    public V1LabelSelector Selector { get; set; } = new();

    public string? JobLabel { get; set; }

    public List<ScrapeEndpoint> Endpoints { get; set; } = [];
}

public sealed class PodMonitor : CustomResource<PodMonitorSpec>;

public sealed class PodMonitorSpec
{
    public V1LabelSelector Selector { get; set; } = new();

    public List<ScrapeEndpoint> PodMetricsEndpoints { get; set; } = [];
}

public sealed class ScrapeEndpoint
{
    public string? Port { get; set; }

    public string? Path { get; set; }

    public string? Interval { get; set; }

    public string? ScrapeTimeout { get; set; }
}

public sealed class PrometheusRule : CustomResource<PrometheusRuleSpec>;

public sealed class PrometheusRuleSpec
{
    public List<RuleGroup> Groups { get; set; } = [];
}

public sealed class RuleGroup
{
    public string Name { get; set; } = "";

    public string? Interval { get; set; }

    public List<Rule> Rules { get; set; } = [];
}

public sealed class Rule
{
    public string? Alert { get; set; }

    public string? Record { get; set; }

    public string Expr { get; set; } = "";

    public string? For { get; set; }

    public Dictionary<string, string>? Labels { get; set; }

    public Dictionary<string, string>? Annotations { get; set; }
}
