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

// monitoring.coreos.com/v1alpha1 AlertmanagerConfig, checked against the same tag (v0.79.2):
// pkg/apis/monitoring/v1alpha1/alertmanager_config_types.go (AlertmanagerConfigSpec, Route, Receiver, WebhookConfig,
// HTTPConfig, InhibitRule, Matcher) and pkg/apis/monitoring/v1/prometheus_types.go (SafeAuthorization). Only the fields
// Vitrine uses are modelled: a field outside them fails the strict read, which is the point.
public sealed class AlertmanagerConfig : CustomResource<AlertmanagerConfigSpec>;

public sealed class AlertmanagerConfigSpec
{
    public AlertmanagerRoute? Route { get; set; }

    public List<AlertmanagerReceiver> Receivers { get; set; } = [];

    public List<AlertmanagerInhibitRule> InhibitRules { get; set; } = [];
}

public sealed class AlertmanagerRoute
{
    public string Receiver { get; set; } = "";

    public List<string>? GroupBy { get; set; }

    public string? GroupWait { get; set; }

    public string? GroupInterval { get; set; }

    public string? RepeatInterval { get; set; }

    public List<AlertmanagerMatcher>? Matchers { get; set; }

    public bool Continue { get; set; }

    /// <summary>Free JSON in the CRD (apiextensionsv1.JSON); each is a Route of the same shape.</summary>
    public List<AlertmanagerRoute>? Routes { get; set; }
}

public sealed class AlertmanagerMatcher
{
    public string Name { get; set; } = "";

    public string? Value { get; set; }

    public string? MatchType { get; set; }
}

public sealed class AlertmanagerInhibitRule
{
    public List<AlertmanagerMatcher>? SourceMatch { get; set; }

    public List<AlertmanagerMatcher>? TargetMatch { get; set; }

    public List<string>? Equal { get; set; }
}

public sealed class AlertmanagerReceiver
{
    public string Name { get; set; } = "";

    public List<AlertmanagerWebhookConfig>? WebhookConfigs { get; set; }
}

public sealed class AlertmanagerWebhookConfig
{
    public string? Url { get; set; }

    public bool? SendResolved { get; set; }

    public int MaxAlerts { get; set; }

    public AlertmanagerHttpConfig? HttpConfig { get; set; }
}

public sealed class AlertmanagerHttpConfig
{
    public AlertmanagerAuthorization? Authorization { get; set; }
}

public sealed class AlertmanagerAuthorization
{
    public string? Type { get; set; }

    public V1SecretKeySelector? Credentials { get; set; }
}
