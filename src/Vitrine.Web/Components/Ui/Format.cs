using System.Globalization;

namespace Vitrine.Web.Components.Ui;

public static class Format
{
    /// <summary>Minor units as the shopper reads them: "USD 12.50".</summary>
    public static string Money(long cents, string currency) =>
        string.Create(CultureInfo.InvariantCulture, $"{currency} {cents / 100m:N2}");

    public static string Date(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
