namespace Vitrine.Data.Model;

/// <summary>An Idempotency-Key of one user, with the request it guarded and the response it produced.</summary>
public sealed class IdempotencyKey
{
    public long UserId { get; set; }

    public required string Key { get; set; }

    public required byte[] RequestHash { get; set; }

    /// <summary>Null while the first request is still in flight.</summary>
    public int? ResponseStatus { get; set; }

    public string? ResponseBody { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
