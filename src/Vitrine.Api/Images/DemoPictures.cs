using System.Globalization;
using System.Text;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NetVips;
using StackExchange.Redis;
using Vitrine.Data;
using Vitrine.Data.Seeding;
using ZiggyCreatures.Caching.Fusion;

namespace Vitrine.Api.Images;

/// <summary>
/// Pictures for the demo catalog, made on the machine (nothing is downloaded): libvips renders an SVG drawn from the
/// product's words — its category's object and background, its material's colour, its adjective's light — and the
/// JPEG goes through the same pipeline as an admin's upload (<see cref="ProductImages.StoreAsync"/>: checked, stored
/// under its content hash, served as AVIF/WebP/JPEG variants at immutable URLs). A job that any replica may start:
/// only demo products without an image are painted, so it runs once per catalog and never touches an admin's image.
/// </summary>
public sealed class DemoPictures(
    VitrineDbContext db, ProductImages images, IFusionCache cache, TimeProvider clock, ILogger<DemoPictures> logger)
{
    /// <summary>The storefront shows product images at 4:3; the drawing sits in the middle 640 of the 800.</summary>
    public const int Width = 800;

    public const int Height = 600;

    private static readonly Dictionary<string, DemoCatalog.DemoProduct> ByName =
        DemoCatalog.Products.GroupBy(p => p.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    private static readonly Dictionary<string, string> MaterialColours = new(StringComparer.Ordinal)
    {
        ["oak"] = "#c8a165",
        ["walnut"] = "#6b4a2f",
        ["ceramic"] = "#f2eee6",
        ["linen"] = "#d9cbb0",
        ["wool"] = "#9c9a94",
        ["copper"] = "#b87333",
        ["steel"] = "#8a9299",
        ["bamboo"] = "#c9b458",
        ["leather"] = "#8b5a2b",
        ["cotton"] = "#f5f5f0",
        ["glass"] = "#a8d5e2",
        ["cork"] = "#b58a5b",
    };

    /// <summary>Each category's backdrop (light, deep) and the object that stands for it, drawn in a 640 × 600 box.</summary>
    private static readonly Dictionary<string, (string Light, string Deep, string Shape)> Categories = new(StringComparer.Ordinal)
    {
        ["home"] = ("#fbe9d7", "#f3c9a5", """<polygon points="220,170 420,170 470,320 170,320"/><rect x="305" y="320" width="30" height="160"/><ellipse cx="320" cy="490" rx="110" ry="24"/>"""),
        ["kitchen"] = ("#e3f1e6", "#b9dcc1", """<path d="M205 300 Q150 360 205 430" fill="none" stroke-width="22"/><polygon points="440,330 545,250 560,272 462,400"/><circle cx="320" cy="370" r="140"/><rect x="262" y="205" width="116" height="30" rx="12"/><circle cx="320" cy="192" r="18"/>"""),
        ["outdoors"] = ("#e2f0fb", "#a9cbea", """<polygon points="320,130 545,480 95,480"/><polygon points="320,250 392,480 248,480" fill-opacity="0.55"/>"""),
        ["books"] = ("#f4e6f7", "#d7b5e0", """<rect x="165" y="390" width="310" height="80" rx="8"/><rect x="190" y="305" width="265" height="80" rx="8"/><rect x="215" y="220" width="225" height="80" rx="8"/>"""),
        ["audio"] = ("#e8e8f5", "#b8b8e0", """<path d="M185 370 A135 135 0 0 1 455 370" fill="none" stroke-width="34"/><rect x="145" y="340" width="80" height="150" rx="34"/><rect x="415" y="340" width="80" height="150" rx="34"/>"""),
        ["apparel"] = ("#fce4ec", "#f0afc4", """<polygon points="245,160 395,160 525,255 470,330 430,300 430,505 210,505 210,300 170,330 115,255"/><path d="M270 162 Q320 215 370 162" fill="none"/>"""),
        ["office"] = ("#eceff1", "#c5ced3", """<rect x="125" y="275" width="390" height="42" rx="8"/><rect x="155" y="317" width="32" height="185"/><rect x="453" y="317" width="32" height="185"/><rect x="320" y="317" width="133" height="95"/><rect x="250" y="150" width="140" height="100" rx="10"/>"""),
        ["toys"] = ("#fff6d6", "#f7d978", """<polygon points="320,115 465,300 320,480 175,300"/><path d="M320 115 L320 480 M175 300 L465 300" fill="none"/><path d="M320 480 q34 40 0 78 q-34 40 0 78" fill="none"/>"""),
    };

    /// <summary>Paints every demo product that has no image yet; returns how many were painted.</summary>
    [DisableConcurrentExecution(timeoutInSeconds: 600)]
    public async Task<int> PaintMissingAsync(CancellationToken cancellationToken)
    {
        var names = ByName.Keys.ToList();
        var products = await db.Products.Include(p => p.Category)
            .Where(p => p.ImageKey == null && names.Contains(p.Name))
            .OrderBy(p => p.Id)
            .ToListAsync(cancellationToken);
        foreach (var product in products)
        {
            if (await images.StoreAsync(Paint(ByName[product.Name]), cancellationToken) is not ProductImages.Stored stored)
            {
                throw new InvalidOperationException($"The picture of {product.Name} was refused by the image pipeline.");
            }

            await ImagesApi.AttachAsync(product, stored.Key, db, cache, clock, cancellationToken);
        }

        if (products.Count > 0)
        {
            logger.LogInformation("Painted {Count} demo product pictures", products.Count);
        }

        return products.Count;
    }

    /// <summary>The product's picture as a JPEG: its category's object in its material's colour on its category's backdrop.</summary>
    public static byte[] Paint(DemoCatalog.DemoProduct product)
    {
        var (light, deep, shape) = Categories[product.CategorySlug];
        var colour = MaterialColours.GetValueOrDefault(product.Material, "#9c9a94");
        // The adjective turns the light: where the backdrop's gradient starts, and a sheen on the object.
        var turn = (product.Adjective.Sum(letter => letter) + (product.Index * 37)) % 360;
        var (x, y) = (0.5 + (0.5 * Math.Cos(turn * Math.PI / 180)), 0.5 + (0.5 * Math.Sin(turn * Math.PI / 180)));
        var svg = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{Height}" viewBox="-80 0 800 600">""")
            .Append(CultureInfo.InvariantCulture, $"""<defs><linearGradient id="b" x1="{x:F2}" y1="{y:F2}" x2="{1 - x:F2}" y2="{1 - y:F2}"><stop offset="0" stop-color="{light}"/><stop offset="1" stop-color="{deep}"/></linearGradient>""")
            .Append("""<radialGradient id="s"><stop offset="0" stop-color="#000" stop-opacity="0.28"/><stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient>""")
            .Append("""<linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#fff" stop-opacity="0.35"/><stop offset="0.6" stop-color="#fff" stop-opacity="0"/></linearGradient></defs>""")
            .Append("""<rect x="-80" width="800" height="600" fill="url(#b)"/><ellipse cx="320" cy="540" rx="230" ry="46" fill="url(#s)"/>""")
            .Append(CultureInfo.InvariantCulture, $"""<g fill="{colour}" stroke="{Darker(colour)}" stroke-width="10" stroke-linejoin="round" stroke-linecap="round">{shape}</g>""")
            .Append(CultureInfo.InvariantCulture, $"""<g fill="url(#g)" stroke="none">{shape}</g></svg>""")
            .ToString();
        using var image = Image.NewFromBuffer(Encoding.UTF8.GetBytes(svg), access: Enums.Access.Sequential);
        using var flat = image.HasAlpha() ? image.Flatten(background: [255, 255, 255]) : image.Copy();
        return flat.JpegsaveBuffer(q: 86, optimizeCoding: true, keep: Enums.ForeignKeep.None);
    }

    private static string Darker(string colour)
    {
        var rgb = Convert.FromHexString(colour.AsSpan(1));
        return $"#{(byte)(rgb[0] * 0.55):x2}{(byte)(rgb[1] * 0.55):x2}{(byte)(rgb[2] * 0.55):x2}";
    }
}

/// <summary>Starts <see cref="DemoPictures"/> as a background job when a replica starts (Images:DemoPictures, on by default).</summary>
public sealed class DemoPicturesOnStart(IBackgroundJobClient jobs, IOptions<ImageOptions> options, ILogger<DemoPicturesOnStart> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (options.Value.DemoPictures)
            {
                jobs.Enqueue<DemoPictures>(pictures => pictures.PaintMissingAsync(CancellationToken.None));
            }
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or InvalidOperationException)
        {
            // The job store (the durable Redis) is not there yet: the next replica start paints them.
            logger.LogWarning(exception, "Could not queue the demo pictures");
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
