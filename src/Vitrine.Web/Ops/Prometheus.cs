using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Vitrine.Web.Ops;

/// <summary>
/// Where the ops view reads metrics (Prometheus' HTTP API, Ops:PrometheusUrl) and silences (Alertmanager's API,
/// Ops:AlertmanagerUrl), and the bearer token Alertmanager's webhook presents (Ops:AlertWebhookToken; unset: the
/// receiver answers 404). Unset URLs: the view says so.
/// </summary>
public sealed class OpsOptions
{
    /// <summary>The shortest webhook token accepted: it is a shared secret between Alertmanager and the Web.</summary>
    public const int MinimumTokenLength = 32;

    public string? PrometheusUrl { get; set; }

    public string? AlertmanagerUrl { get; set; }

    public string? AlertWebhookToken { get; set; }
}

/// <summary>One labelled series of (time, value) points.</summary>
public sealed record Series(string Label, IReadOnlyList<(DateTimeOffset At, double Value)> Points);

/// <summary>One labelled instant value, e.g. `up` of one scrape target.</summary>
public sealed record Sample(IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>Queries of Prometheus' HTTP API (/api/v1/query and /api/v1/query_range); null when it cannot answer.</summary>
public sealed class Prometheus(HttpClient http, IOptions<OpsOptions> options, ILogger<Prometheus> logger)
{
    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.PrometheusUrl);

    public async Task<IReadOnlyList<Series>?> RangeAsync(string query, string labelName, DateTimeOffset end, TimeSpan span, TimeSpan step, CancellationToken cancellationToken)
    {
        var data = await QueryAsync("api/v1/query_range", new Dictionary<string, string?>
        {
            ["query"] = query,
            ["start"] = (end - span).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["end"] = end.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["step"] = ((int)step.TotalSeconds).ToString(CultureInfo.InvariantCulture),
        }, cancellationToken);
        if (data is not { } result)
        {
            return null;
        }

        return [.. result.EnumerateArray().Select(series => new Series(
            series.GetProperty("metric").TryGetProperty(labelName, out var label) ? label.GetString() ?? "" : "all",
            [.. series.GetProperty("values").EnumerateArray()
                .Select(point => (DateTimeOffset.FromUnixTimeMilliseconds((long)(point[0].GetDouble() * 1000)), Parse(point[1].GetString())))
                .Where(point => double.IsFinite(point.Item2))]))];
    }

    public async Task<IReadOnlyList<Sample>?> InstantAsync(string query, CancellationToken cancellationToken)
    {
        var data = await QueryAsync("api/v1/query", new Dictionary<string, string?> { ["query"] = query }, cancellationToken);
        if (data is not { } result)
        {
            return null;
        }

        return [.. result.EnumerateArray().Select(sample => new Sample(
            sample.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""),
            Parse(sample.GetProperty("value")[1].GetString())))];
    }

    private async Task<JsonElement?> QueryAsync(string path, Dictionary<string, string?> parameters, CancellationToken cancellationToken)
    {
        if (!IsConfigured)
        {
            return null;
        }

        try
        {
            var url = new Uri(new Uri(options.Value.PrometheusUrl!.TrimEnd('/') + "/"), QueryHelpers.AddQueryString(path, parameters));
            using var response = await http.GetAsync(url, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Prometheus answered {Status} to {Path}", (int)response.StatusCode, path);
                return null;
            }

            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            return document.RootElement.GetProperty("data").GetProperty("result").Clone();
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or UriFormatException
            or Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning(exception, "Prometheus did not answer {Path}", path);
            return null;
        }
    }

    private static double Parse(string? value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : double.NaN;
}

public static class OpsView
{
    public static WebApplicationBuilder AddOpsView(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OpsOptions>().BindConfiguration("Ops")
            .Validate(options => string.IsNullOrEmpty(options.AlertWebhookToken) || options.AlertWebhookToken.Length >= OpsOptions.MinimumTokenLength,
                $"Ops:AlertWebhookToken is shorter than {OpsOptions.MinimumTokenLength} characters: use a random secret (or leave it unset to turn the alert receiver off).")
            .ValidateOnStart();
        // Prometheus and Alertmanager answer in milliseconds or not at all: a short timeout keeps the page quick when
        // either is down.
        builder.Services.AddHttpClient<Prometheus>(http => http.Timeout = TimeSpan.FromSeconds(5));
        builder.Services.AddHttpClient<Alertmanager>(http => http.Timeout = TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton<AlertStore>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }
}
