using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Vitrine.Web.Api;

/// <summary>An RFC 9457 problem the API answered with: its status, title and, for validation, field → messages.</summary>
public sealed record ApiProblem(int Status, string Title, IReadOnlyDictionary<string, string[]> Errors)
{
    /// <summary>The products a problem is about (the API's "productIds" extension, e.g. on "Not enough stock").</summary>
    public IReadOnlyList<long> ProductIds { get; init; } = [];

    public static ApiProblem Unavailable { get; } = new(
        (int)HttpStatusCode.ServiceUnavailable, "The store is temporarily unavailable. Please try again in a moment.", new Dictionary<string, string[]>());

    public bool IsUnauthorized => Status == (int)HttpStatusCode.Unauthorized;

    /// <summary>The messages for one field (the API names fields in camelCase, e.g. "priceCents").</summary>
    public IReadOnlyList<string> For(string field) =>
        Errors.FirstOrDefault(e => string.Equals(e.Key, field, StringComparison.OrdinalIgnoreCase)).Value ?? [];
}

/// <summary>What an API call gave: the value, or the problem.</summary>
public readonly record struct ApiResult<T>(T? Value, ApiProblem? Problem)
{
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Succeeded => Problem is null;

    public static implicit operator ApiResult<T>(T value) => new(value, null);

    public static implicit operator ApiResult<T>(ApiProblem problem) => new(default, problem);
}
