using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Vitrine.ServiceDefaults;

/// <summary>
/// <see cref="AllowedValuesAttribute"/> whose error names the values a client may send ("The field sort must be one
/// of: relevance, newest, price_asc, price_desc."), so a refused request says how to fix it. A null among the values
/// means the field may be left out; it is not listed. The OpenAPI document lists the same values as the field's enum.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter, AllowMultiple = false)]
public sealed class OneOfAttribute(params object?[] values) : AllowedValuesAttribute(values)
{
    /// <summary>The values a client may send, as the contract spells them.</summary>
    public IReadOnlyList<string> Listed => [.. Values.Where(value => value is not null).Select(value => Convert.ToString(value, CultureInfo.InvariantCulture)!)];

    public override string FormatErrorMessage(string name) =>
        string.Create(CultureInfo.InvariantCulture, $"The field {name} must be one of: {string.Join(", ", Listed)}.");
}
