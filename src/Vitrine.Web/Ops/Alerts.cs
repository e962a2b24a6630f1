using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vitrine.Data;

namespace Vitrine.Web.Ops;

/// <summary>One alert as Alertmanager's webhook (payload version 4) and its API v2 describe it.</summary>
public sealed record AlertmanagerAlert
{
    public string? Status { get; init; }

    public Dictionary<string, string>? Labels { get; init; }

    public Dictionary<string, string>? Annotations { get; init; }

    public DateTimeOffset StartsAt { get; init; }

    public DateTimeOffset EndsAt { get; init; }

    public string? Fingerprint { get; init; }
}

/// <summary>Alertmanager's webhook body (version 4): a group of alerts for one receiver.</summary>
public sealed record AlertmanagerNotification
{
    public string? Version { get; init; }

    public string? Receiver { get; init; }

    public List<AlertmanagerAlert>? Alerts { get; init; }
}

/// <summary>Alertmanager's API v2 alert: the webhook's fields plus its state, and the silences that mute it.</summary>
public sealed record AlertmanagerApiAlert
{
    public Dictionary<string, string>? Labels { get; init; }

    public Dictionary<string, string>? Annotations { get; init; }

    public DateTimeOffset StartsAt { get; init; }

    public string? Fingerprint { get; init; }

    public AlertmanagerAlertState? Status { get; init; }
}

public sealed record AlertmanagerAlertState
{
    public List<string>? SilencedBy { get; init; }
}

/// <summary>An alert as the ops view keeps it: its last notified state and when the Web received it.</summary>
public sealed record StoredAlert(
    string Fingerprint, string Status, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset StartsAt, DateTimeOffset? EndsAt, DateTimeOffset ReceivedAt, string Receiver)
{
    public bool Firing => Status == AlertStatus.Firing;

    public string Name => Labels.GetValueOrDefault("alertname", "");

    public string Severity => Labels.GetValueOrDefault("severity", "");

    /// <summary>The annotation an operator reads first: the summary, else the description, else the alert's name.</summary>
    public string Summary => Annotations.GetValueOrDefault("summary") ?? Annotations.GetValueOrDefault("description") ?? Name;
}

public static class AlertStatus
{
    public const string Firing = "firing";
    public const string Resolved = "resolved";
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AlertmanagerNotification))]
[JsonSerializable(typeof(List<AlertmanagerApiAlert>))]
[JsonSerializable(typeof(StoredAlert))]
internal sealed partial class AlertJson : JsonSerializerContext;

/// <summary>
/// The alerts Alertmanager delivered to the Web's receiver, in the durable Redis (every replica shows the same ones):
/// a hash by fingerprint, at most <see cref="Capacity"/> alerts, resolved ones kept for <see cref="ResolvedRetention"/>.
/// </summary>
public sealed class AlertStore([FromKeyedServices(RedisConnections.Durable)] IConnectionMultiplexer redis, IConfiguration configuration, TimeProvider clock)
{
    public const int Capacity = 500;

    public static readonly TimeSpan ResolvedRetention = TimeSpan.FromDays(7);

    private readonly RedisKey key = $"{configuration.GetValue("Caching:Name", "vitrine")}:web:ops:alerts";

    public async Task<IReadOnlyList<StoredAlert>> ListAsync()
    {
        var entries = await redis.GetDatabase().HashGetAllAsync(key);
        return [.. entries.Select(entry => JsonSerializer.Deserialize((string)entry.Value!, AlertJson.Default.StoredAlert)!)];
    }

    /// <summary>Records each alert's newest state, then drops what is past retention or over capacity (resolved first, oldest first).</summary>
    public async Task RecordAsync(IReadOnlyList<StoredAlert> alerts)
    {
        var database = redis.GetDatabase();
        var known = (await ListAsync()).ToDictionary(alert => alert.Fingerprint, StringComparer.Ordinal);
        var changes = new List<HashEntry>();
        foreach (var alert in alerts)
        {
            // A notification retried after a newer one (Alertmanager retries failed deliveries) must not bring a
            // resolved alert back to firing: the same firing episode (same start) stays resolved.
            if (known.TryGetValue(alert.Fingerprint, out var stored) && !stored.Firing && alert.Firing && stored.StartsAt == alert.StartsAt)
            {
                continue;
            }

            known[alert.Fingerprint] = alert;
            changes.Add(new HashEntry(alert.Fingerprint, JsonSerializer.Serialize(alert, AlertJson.Default.StoredAlert)));
        }

        if (changes.Count > 0)
        {
            await database.HashSetAsync(key, [.. changes]);
        }

        var now = clock.GetUtcNow();
        var expired = known.Values.Where(alert => !alert.Firing && now - alert.ReceivedAt > ResolvedRetention).ToList();
        var overflow = known.Values.Except(expired)
            .OrderBy(alert => alert.Firing).ThenByDescending(alert => alert.ReceivedAt)
            .Skip(Capacity);
        var dropped = expired.Concat(overflow).Select(alert => (RedisValue)alert.Fingerprint).ToArray();
        if (dropped.Length > 0)
        {
            await database.HashDeleteAsync(key, dropped);
        }
    }
}

/// <summary>Reads Alertmanager's API v2: the alerts a silence mutes. Null when none is configured or it cannot answer.</summary>
public sealed class Alertmanager(HttpClient http, IOptions<OpsOptions> options, ILogger<Alertmanager> logger)
{
    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.AlertmanagerUrl);

    public async Task<IReadOnlyList<AlertmanagerApiAlert>?> SilencedAsync(CancellationToken cancellationToken)
    {
        if (!IsConfigured)
        {
            return null;
        }

        try
        {
            // Only the muted ones: not the active, not the inhibited (Alertmanager's filters include a state each).
            var url = new Uri(new Uri(options.Value.AlertmanagerUrl!.TrimEnd('/') + "/"),
                QueryHelpers.AddQueryString("api/v2/alerts", new Dictionary<string, string?> { ["active"] = "false", ["silenced"] = "true", ["inhibited"] = "false" }));
            using var response = await http.GetAsync(url, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Alertmanager answered {Status} to the silenced alerts", (int)response.StatusCode);
                return null;
            }

            var alerts = await JsonSerializer.DeserializeAsync(await response.Content.ReadAsStreamAsync(cancellationToken), AlertJson.Default.ListAlertmanagerApiAlert, cancellationToken);
            return [.. (alerts ?? []).Where(alert => alert.Status?.SilencedBy is { Count: > 0 })];
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or UriFormatException
            or Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning(exception, "Alertmanager did not answer");
            return null;
        }
    }
}

/// <summary>
/// Alertmanager's webhook receiver, `POST /admin/ops/alerts`: a bearer token shared with Alertmanager (Ops:AlertWebhookToken),
/// a JSON body of at most 1 MiB in Alertmanager's version 4 shape, every alert checked before any is stored. Not
/// reachable through the public listener (nginx answers 404 there); Alertmanager posts to nginx's internal one.
/// </summary>
public static partial class AlertReceiver
{
    public const string Path = "/admin/ops/alerts";

    private const int MaxBodyBytes = 1024 * 1024;
    private const int MaxAlerts = 1000;
    private const int MaxLabels = 64;
    private const int MaxTextLength = 4096;

    public static IEndpointRouteBuilder MapAlertReceiver(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Path, ReceiveAsync).AllowAnonymous().DisableAntiforgery();
        return routes;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext context, IOptions<OpsOptions> options, AlertStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.Value.AlertWebhookToken))
        {
            return TypedResults.NotFound();
        }

        if (!HasToken(context.Request, options.Value.AlertWebhookToken))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Problem(StatusCodes.Status401Unauthorized, "A valid bearer token is required.");
        }

        if (!context.Request.HasJsonContentType())
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "The body must be application/json.");
        }

        if (context.Request.ContentLength > MaxBodyBytes)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large.");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        AlertmanagerNotification? notification;
        try
        {
            notification = await JsonSerializer.DeserializeAsync(context.Request.Body, AlertJson.Default.AlertmanagerNotification, cancellationToken);
        }
        catch (JsonException)
        {
            return Problem(StatusCodes.Status400BadRequest, "The body is not valid JSON in Alertmanager's webhook shape.");
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large.");
        }

        if (Validate(notification) is { } error)
        {
            return Problem(StatusCodes.Status400BadRequest, error);
        }

        var received = clock.GetUtcNow();
        await store.RecordAsync([.. notification!.Alerts!.Select(alert => new StoredAlert(
            alert.Fingerprint!, alert.Status!, alert.Labels!, alert.Annotations ?? [], alert.StartsAt,
            alert.Status == AlertStatus.Resolved ? alert.EndsAt : null, received, notification.Receiver ?? ""))]);
        return TypedResults.NoContent();
    }

    private static bool HasToken(HttpRequest request, string expected)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Equal-length digests: the comparison takes the same time whatever the presented token is.
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim())), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }

    /// <summary>What is wrong with the notification (the first thing found), or null when every alert in it can be stored.</summary>
    internal static string? Validate(AlertmanagerNotification? notification)
    {
        if (notification is null)
        {
            return "The body is empty.";
        }

        if (notification.Version != "4")
        {
            return "version must be \"4\" (Alertmanager's webhook payload).";
        }

        if (notification.Receiver is { Length: > MaxTextLength })
        {
            return "receiver is too long.";
        }

        if (notification.Alerts is not { Count: > 0 and <= MaxAlerts } alerts)
        {
            return $"alerts must hold 1 to {MaxAlerts} alerts.";
        }

        for (var index = 0; index < alerts.Count; index++)
        {
            var alert = alerts[index];
            var at = string.Create(CultureInfo.InvariantCulture, $"alerts[{index}]");
            if (alert is null)
            {
                return $"{at} is null.";
            }

            if (alert.Status is not (AlertStatus.Firing or AlertStatus.Resolved))
            {
                return $"{at}.status must be one of: {AlertStatus.Firing}, {AlertStatus.Resolved}.";
            }

            if (alert.Fingerprint is null || !Fingerprint().IsMatch(alert.Fingerprint))
            {
                return $"{at}.fingerprint must be 16 hexadecimal digits.";
            }

            if (alert.Labels is not { Count: > 0 and <= MaxLabels } labels || !labels.TryGetValue("alertname", out var name) || string.IsNullOrWhiteSpace(name))
            {
                return $"{at}.labels must hold an alertname and at most {MaxLabels} labels.";
            }

            if (TooLong(labels) || (alert.Annotations is { } annotations && (annotations.Count > MaxLabels || TooLong(annotations))))
            {
                return $"{at}: a label or annotation is too long, or there are more than {MaxLabels}.";
            }

            if (alert.StartsAt == default || alert.StartsAt.Year < 2000)
            {
                return $"{at}.startsAt must be the time the alert started.";
            }
        }

        return null;
    }

    private static bool TooLong(Dictionary<string, string> texts) =>
        texts.Any(text => text.Key.Length > MaxTextLength || text.Value is null || text.Value.Length > MaxTextLength);

    private static ProblemHttpResult Problem(int status, string title) => TypedResults.Problem(statusCode: status, title: title);

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex Fingerprint();
}
