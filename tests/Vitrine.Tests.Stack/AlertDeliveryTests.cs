using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vitrine.Stack;

namespace Vitrine.Tests.Stack;

/// <summary>
/// Issue 16's delivery end to end on the running stack: a real rule (ReplicaDown) fires on real data (a Web replica
/// stopped), Prometheus hands it to Alertmanager, whose webhook reaches the Web's receiver through nginx's internal
/// listener, and /admin/ops shows it firing, then silenced (a silence made in Alertmanager), then resolved.
/// </summary>
[Collection(BalancedTopology.Collection)]
public sealed partial class AlertDeliveryTests(BalancedTopology stack)
{
    /// <summary>ReplicaDown's `for: 1m`, a scrape, an evaluation, the page route's group_wait and group_interval.</summary>
    private static readonly TimeSpan Delivery = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task A_stopped_web_replica_fires_replica_down_which_the_ops_view_shows_firing_silenced_and_resolved()
    {
        using var browser = await SignInAsAdminAsync();
        var victim = stack.Components.Last(c => c.Kind == "web");
        var instance = new Uri(victim.Url).Authority;
        using var alertmanager = new HttpClient { BaseAddress = new Uri(stack.Components.Single(c => c.Kind == "alertmanager").Url) };
        using var apphost = new AppHostClient(new StackLayout(stack.Cli.RepositoryRoot, stack.Cli.StateDirectory));

        var stopped = await apphost.StopAsync(victim.Name, TimeSpan.FromMinutes(1), CancellationToken.None);
        stopped.Ok.ShouldBeTrue(stopped.Message);
        try
        {
            var firing = await WaitForRowAsync(browser, "firing", instance);
            firing.ShouldContain("ReplicaDown");
            firing.ShouldContain("page");

            // A silence for exactly this alert: the view asks Alertmanager and moves it from firing to silenced.
            using var created = await alertmanager.PostAsJsonAsync(new Uri("/api/v2/silences", UriKind.Relative), new
            {
                matchers = new[]
                {
                    new { name = "alertname", value = "ReplicaDown", isRegex = false, isEqual = true },
                    new { name = "instance", value = instance, isRegex = false, isEqual = true },
                },
                startsAt = DateTimeOffset.UtcNow,
                endsAt = DateTimeOffset.UtcNow.AddHours(1),
                createdBy = "vitrine tests",
                comment = "the alert delivery test",
            });
            created.StatusCode.ShouldBe(HttpStatusCode.OK, await created.Content.ReadAsStringAsync());
            var silence = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("silenceID").GetString()!;
            (await WaitForRowAsync(browser, "silenced", instance)).ShouldContain("ReplicaDown");
            (await RowAsync(browser, "firing", instance)).ShouldBeNull();
            (await alertmanager.DeleteAsync(new Uri($"/api/v2/silence/{silence}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            var started = await apphost.StartAsync(victim.Name, TimeSpan.FromMinutes(2), CancellationToken.None);
            started.Ok.ShouldBeTrue(started.Message);
        }

        (await WaitForRowAsync(browser, "resolved", instance)).ShouldContain("ReplicaDown");
        (await RowAsync(browser, "firing", instance)).ShouldBeNull();
    }

    [Fact]
    public async Task The_alert_receiver_answers_only_on_the_internal_listener_and_only_with_the_token()
    {
        var body = JsonContent.Create(new { version = "4", alerts = Array.Empty<object>() });
        using var outside = stack.PublicClient();
        (await outside.PostAsync(new Uri("/admin/ops/alerts", UriKind.Relative), body)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        using var inside = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{stack.Cli.Port(StackPorts.InternalApi)}") };
        using var anonymous = await inside.PostAsync(new Uri("/admin/ops/alerts", UriKind.Relative), body);
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        // Alertmanager's configuration as rendered for this stack passes amtool, and each severity has its route.
        var config = Path.Combine(stack.Cli.StateDirectory, "config", "alertmanager.yml");
        var (exit, output) = await VitrineCli.RunProgramAsync("amtool", ["check-config", config]);
        exit.ShouldBe(0, output);
        output.ShouldContain("SUCCESS");
        foreach (var severity in new[] { "page", "ticket" })
        {
            (exit, output) = await VitrineCli.RunProgramAsync("amtool", ["config", "routes", "test", $"--config.file={config}", "--verify.receivers=ops-view", $"severity={severity}"]);
            exit.ShouldBe(0, output);
        }
    }

    private async Task<PublicHttpClient> SignInAsAdminAsync()
    {
        var (email, password) = await StackApi.AdminAsync(stack.Cli);
        var browser = stack.PublicClient(cookies: new CookieContainer());
        var form = await browser.GetStringAsync(new Uri("/login", UriKind.Relative));
        var fields = HiddenField().Matches(form).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["Input.Email"] = email;
        fields["Input.Password"] = password;
        using var signIn = await browser.PostAsync(new Uri("/login", UriKind.Relative), new FormUrlEncodedContent(fields));
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect, await signIn.Content.ReadAsStringAsync());
        return browser;
    }

    /// <summary>The row of the view's table (firing, silenced or resolved) for the instance's alert, or null.</summary>
    private static async Task<string?> RowAsync(HttpClient browser, string table, string instance)
    {
        using var response = await browser.GetAsync(new Uri("/admin/ops", UriKind.Relative));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await response.Content.ReadAsStringAsync();
        var section = Regex.Match(page, $"data-alerts=\"{table}\">(.*?)</table>", RegexOptions.Singleline);
        return section.Success
            ? Row().Matches(section.Groups[1].Value).Select(m => m.Value).FirstOrDefault(row => row.Contains(instance, StringComparison.Ordinal))
            : null;
    }

    private static async Task<string> WaitForRowAsync(HttpClient browser, string table, string instance)
    {
        var deadline = DateTime.UtcNow + Delivery;
        while (true)
        {
            if (await RowAsync(browser, table, instance) is { } row)
            {
                return row;
            }

            DateTime.UtcNow.ShouldBeLessThan(deadline, $"no {table} alert for {instance} on /admin/ops within {Delivery.TotalMinutes} min");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenField();

    [GeneratedRegex("<tr data-fingerprint=.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex Row();
}
