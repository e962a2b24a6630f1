using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting;

namespace Vitrine.ServiceDefaults;

/// <summary>
/// The Web's stylesheet (wwwroot/app.css, 6 KB, about 1.5 KB compressed), inlined into every page's head: a separate
/// render-blocking request costs a round trip before the first paint, which on a slow mobile link is most of the
/// seed's one-second budget. The Content-Security-Policy allows exactly this text by its SHA-256, never
/// 'unsafe-inline'. Without the file (a host with no web root) pages fall back to the linked stylesheet.
/// </summary>
public sealed class CriticalStyles
{
    private CriticalStyles(string? css)
    {
        Css = css;
        Sha256 = css is null ? null : Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(css)));
    }

    public const string FileName = "app.css";

    /// <summary>The stylesheet's text, or null when there is none to inline.</summary>
    public string? Css { get; }

    /// <summary>The base64 SHA-256 of <see cref="Css"/>, as a CSP hash source wants it.</summary>
    public string? Sha256 { get; }

    public static CriticalStyles Load(IWebHostEnvironment environment)
    {
        var file = environment.WebRootFileProvider.GetFileInfo(FileName);
        if (!file.Exists)
        {
            return new CriticalStyles(null);
        }

        using var reader = new StreamReader(file.CreateReadStream(), Encoding.UTF8);
        return new CriticalStyles(reader.ReadToEnd());
    }
}
