using System.Text.RegularExpressions;

namespace Vitrine.Tests.Stack;

/// <summary>
/// deploy/prometheus/alerts.yml against its promtool unit tests: every rule passes them, and every alert has a case
/// that makes it fire and one that keeps it quiet (issue 16: the seed's six alerts beside our stricter ones).
/// </summary>
public sealed partial class AlertRulesTests
{
    private static readonly string Rules = Path.Combine(VitrineCli.FindRepositoryRoot(), "deploy", "prometheus");

    [Fact]
    public async Task Every_rule_passes_promtool_check_and_its_unit_tests()
    {
        var (exit, output) = await VitrineCli.RunProgramAsync("promtool", ["check", "rules", Path.Combine(Rules, "alerts.yml")]);
        exit.ShouldBe(0, output);
        output.ShouldContain("SUCCESS");
        (exit, output) = await VitrineCli.RunProgramAsync("promtool", ["test", "rules", Path.Combine(Rules, "alerts.test.yml")]);
        exit.ShouldBe(0, output);
        output.ShouldContain("SUCCESS");
    }

    [Fact]
    public async Task Every_alert_has_a_case_that_fires_it_and_one_that_keeps_it_quiet()
    {
        var alerts = AlertName().Matches(await File.ReadAllTextAsync(Path.Combine(Rules, "alerts.yml"))).Select(m => m.Groups[1].Value).ToList();
        var cases = TestCase().Matches(await File.ReadAllTextAsync(Path.Combine(Rules, "alerts.test.yml")))
            .Select(m => (Alert: m.Groups[1].Value, Quiet: m.Groups[2].Value == "[]")).ToList();

        alerts.Count.ShouldBeGreaterThanOrEqualTo(17);
        string[] seed = ["SeedCpuHigh", "SeedMemoryHigh", "SeedErrorRateHigh", "SeedLatencyP95High", "SeedDiskSpaceLow", "SeedDatabaseConnectionsHigh"];
        seed.ShouldBeSubsetOf(alerts);
        cases.Select(c => c.Alert).Distinct().ShouldBeSubsetOf(alerts, "a test case names an alert that alerts.yml does not have");
        foreach (var alert in alerts)
        {
            cases.ShouldContain(c => c.Alert == alert && !c.Quiet, $"{alert} has no case that makes it fire");
            cases.ShouldContain(c => c.Alert == alert && c.Quiet, $"{alert} has no case that keeps it quiet");
        }
    }

    [GeneratedRegex(@"^\s*- alert: (\w+)\s*$", RegexOptions.Multiline)]
    private static partial Regex AlertName();

    // An alert_rule_test entry: its alertname, then whether exp_alerts is empty ([]) or a list that follows.
    [GeneratedRegex(@"alertname: (\w+)\s*\n\s*exp_alerts:[ \t]*(\[\])?")]
    private static partial Regex TestCase();
}
