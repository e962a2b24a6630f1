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
/// product's words — the object its noun names on its category's backdrop, in its material's colour, lit from a side
/// its adjective picks — and the
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

    /// <summary>Each category's backdrop (light, deep) and its own object (a lamp, a kettle…), drawn in a 640 × 600 box.</summary>
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

    /// <summary>The object each demo noun names, drawn with a few shapes in the same box; a noun without one gets its category's.</summary>
    private static readonly Dictionary<string, string> Objects = new(StringComparer.Ordinal)
    {
        ["vase"] = """<path d="M270 130 H370 V165 Q450 260 420 420 Q400 505 320 505 Q240 505 220 420 Q190 260 270 165 Z"/>""",
        ["cushion"] = """<path d="M150 200 Q320 150 490 200 Q530 340 490 480 Q320 530 150 480 Q110 340 150 200 Z"/><circle cx="320" cy="340" r="16"/>""",
        ["blanket"] = """<rect x="150" y="390" width="340" height="100" rx="20"/><rect x="170" y="300" width="300" height="90" rx="20"/><rect x="190" y="215" width="260" height="85" rx="20"/>""",
        ["mirror"] = """<ellipse cx="320" cy="300" rx="140" ry="180"/><ellipse cx="320" cy="300" rx="105" ry="145" fill-opacity="0.5"/><rect x="300" y="480" width="40" height="40"/>""",
        ["candle"] = """<rect x="255" y="250" width="130" height="260" rx="12"/><path d="M320 150 Q355 200 320 235 Q285 200 320 150 Z"/>""",
        ["clock"] = """<circle cx="320" cy="310" r="190"/><path d="M320 310 V190 M320 310 H410" fill="none" stroke-width="16"/>""",
        ["rug"] = """<rect x="130" y="230" width="380" height="230" rx="10"/><rect x="180" y="280" width="280" height="130" rx="8" fill-opacity="0.5"/><path d="M130 470 V505 M190 470 V505 M250 470 V505 M310 470 V505 M370 470 V505 M430 470 V505 M490 470 V505" fill="none"/>""",
        ["teapot"] = """<path d="M205 320 Q140 370 205 430" fill="none" stroke-width="22"/><polygon points="430,360 540,290 555,310 450,440"/><ellipse cx="320" cy="390" rx="150" ry="120"/><ellipse cx="320" cy="270" rx="90" ry="22"/><circle cx="320" cy="240" r="18"/>""",
        ["skillet"] = """<ellipse cx="280" cy="390" rx="170" ry="95"/><ellipse cx="280" cy="380" rx="130" ry="65" fill-opacity="0.5"/><rect x="440" y="355" width="150" height="34" rx="16"/>""",
        ["knife"] = """<path d="M110 390 L420 300 L420 380 Q260 410 110 390 Z"/><rect x="420" y="300" width="140" height="70" rx="20"/>""",
        ["cutting board"] = """<rect x="150" y="200" width="340" height="300" rx="36"/><circle cx="320" cy="245" r="20" fill-opacity="0.3"/>""",
        ["mug"] = """<path d="M425 280 Q520 300 505 380 Q495 440 425 440" fill="none" stroke-width="30"/><rect x="200" y="220" width="230" height="290" rx="26"/>""",
        ["bowl"] = """<path d="M130 300 H510 Q500 470 320 500 Q140 470 130 300 Z"/><ellipse cx="320" cy="300" rx="190" ry="30"/>""",
        ["grinder"] = """<rect x="240" y="260" width="160" height="250" rx="20"/><rect x="260" y="200" width="120" height="60" rx="12"/><path d="M320 200 V140 H420" fill="none" stroke-width="16"/><circle cx="430" cy="140" r="20"/>""",
        ["backpack"] = """<rect x="200" y="170" width="240" height="340" rx="70"/><rect x="235" y="340" width="170" height="130" rx="26"/><path d="M270 170 Q320 110 370 170" fill="none" stroke-width="18"/>""",
        ["lantern"] = """<rect x="240" y="220" width="160" height="250" rx="24"/><rect x="220" y="470" width="200" height="40" rx="10"/><rect x="230" y="185" width="180" height="35" rx="10"/><path d="M270 185 Q320 110 370 185" fill="none" stroke-width="14"/><rect x="285" y="270" width="70" height="150" rx="30" fill-opacity="0.5"/>""",
        ["hammock"] = """<path d="M140 200 V510 M500 200 V510" fill="none" stroke-width="20"/><path d="M140 250 Q320 470 500 250 Q320 400 140 250 Z"/>""",
        ["water bottle"] = """<rect x="250" y="220" width="140" height="290" rx="40"/><rect x="280" y="150" width="80" height="70" rx="14"/>""",
        ["compass"] = """<circle cx="320" cy="330" r="180"/><polygon points="320,180 355,330 320,480 285,330" fill-opacity="0.5"/><circle cx="320" cy="330" r="18"/>""",
        ["stove"] = """<rect x="150" y="330" width="340" height="160" rx="18"/><ellipse cx="240" cy="330" rx="60" ry="16"/><ellipse cx="400" cy="330" rx="60" ry="16"/><circle cx="240" cy="420" r="16"/><circle cx="400" cy="420" r="16"/>""",
        ["sleeping bag"] = """<rect x="130" y="330" width="390" height="170" rx="80"/><ellipse cx="200" cy="410" rx="55" ry="60" fill-opacity="0.5"/>""",
        ["speaker"] = """<rect x="210" y="150" width="220" height="360" rx="24"/><circle cx="320" cy="250" r="50" fill-opacity="0.5"/><circle cx="320" cy="410" r="75" fill-opacity="0.5"/>""",
        ["turntable"] = """<rect x="120" y="300" width="400" height="200" rx="20"/><ellipse cx="290" cy="380" rx="130" ry="56" fill-opacity="0.5"/><path d="M470 320 L410 400" fill="none" stroke-width="14"/>""",
        ["amplifier"] = """<rect x="120" y="300" width="400" height="190" rx="20"/><circle cx="200" cy="395" r="30"/><circle cx="290" cy="395" r="30"/><rect x="360" y="370" width="120" height="50" rx="10" fill-opacity="0.5"/>""",
        ["radio"] = """<rect x="140" y="280" width="360" height="220" rx="30"/><circle cx="250" cy="390" r="70" fill-opacity="0.5"/><rect x="350" y="340" width="110" height="40" rx="8"/><path d="M420 280 L500 150" fill="none" stroke-width="12"/>""",
        ["earbuds"] = """<circle cx="230" cy="290" r="60"/><rect x="210" y="340" width="40" height="150" rx="20"/><circle cx="410" cy="290" r="60"/><rect x="390" y="340" width="40" height="150" rx="20"/>""",
        ["microphone"] = """<rect x="260" y="130" width="120" height="200" rx="60"/><path d="M220 270 Q220 400 320 400 Q420 400 420 270 M320 400 V490" fill="none" stroke-width="18"/><rect x="230" y="480" width="180" height="30" rx="12"/>""",
        ["soundbar"] = """<rect x="90" y="370" width="460" height="100" rx="40"/><circle cx="190" cy="420" r="22" fill-opacity="0.5"/><circle cx="450" cy="420" r="22" fill-opacity="0.5"/>""",
        ["jacket"] = """<polygon points="245,150 395,150 525,250 480,340 430,300 430,505 210,505 210,300 160,340 115,250"/><path d="M320 170 V505 M270 150 L320 250 L370 150" fill="none"/>""",
        ["sweater"] = """<polygon points="245,160 395,160 525,255 470,330 430,300 430,505 210,505 210,300 170,330 115,255"/><path d="M210 470 H430 M270 162 Q320 210 370 162" fill="none"/>""",
        ["scarf"] = """<path d="M180 200 Q320 280 460 200 L460 260 Q320 340 180 260 Z"/><rect x="360" y="250" width="70" height="250" rx="14"/>""",
        ["beanie"] = """<path d="M170 430 Q170 180 320 180 Q470 180 470 430 Z"/><rect x="150" y="410" width="340" height="80" rx="20"/><circle cx="320" cy="160" r="34"/>""",
        ["raincoat"] = """<path d="M320 130 Q400 130 410 200 L520 300 L470 350 L430 320 V505 H210 V320 L170 350 L120 300 L230 200 Q240 130 320 130 Z"/><path d="M320 220 V505" fill="none"/>""",
        ["gloves"] = """<path d="M170 500 V300 Q170 200 230 200 Q290 200 290 300 V500 Z"/><path d="M350 500 V300 Q350 200 410 200 Q470 200 470 300 V500 Z"/><rect x="160" y="450" width="140" height="50" rx="10"/><rect x="340" y="450" width="140" height="50" rx="10"/>""",
        ["socks"] = """<path d="M230 140 H330 V390 Q330 500 230 500 H170 Q120 500 120 450 Q120 410 170 400 L230 390 Z"/><path d="M360 140 H460 V390 Q460 500 360 500 H300" fill="none"/>""",
        ["chair"] = """<rect x="220" y="150" width="200" height="200" rx="24"/><rect x="200" y="350" width="240" height="50" rx="14"/><path d="M230 400 V510 M410 400 V510" fill="none" stroke-width="20"/>""",
        ["pen"] = """<polygon points="150,470 470,150 505,185 185,505 130,520"/><path d="M430 190 L465 225" fill="none"/>""",
        ["stapler"] = """<path d="M130 450 H510 V500 H130 Z"/><path d="M150 440 L480 360 Q510 360 510 390 V440 Z"/>""",
        ["monitor stand"] = """<rect x="130" y="380" width="380" height="40" rx="8"/><rect x="150" y="420" width="40" height="85"/><rect x="450" y="420" width="40" height="85"/><rect x="200" y="180" width="240" height="170" rx="12" fill-opacity="0.5"/>""",
        ["organizer"] = """<rect x="150" y="270" width="340" height="230" rx="14"/><path d="M263 270 V500 M376 270 V500" fill="none"/><rect x="180" y="180" width="50" height="90"/><rect x="290" y="150" width="50" height="120"/>""",
        ["desk mat"] = """<polygon points="180,330 520,330 460,480 120,480"/>""",
        ["bookend"] = """<path d="M160 500 H380 V460 H220 V200 H160 Z"/><rect x="390" y="250" width="50" height="250" rx="6"/><rect x="445" y="280" width="45" height="220" rx="6"/>""",
        ["puzzle"] = """<path d="M170 230 H290 Q280 180 320 180 Q360 180 350 230 H470 V350 Q520 340 520 380 Q520 420 470 410 V510 H170 Z"/>""",
        ["board game"] = """<rect x="150" y="200" width="340" height="300" rx="12"/><path d="M235 200 V500 M320 200 V500 M405 200 V500 M150 275 H490 M150 350 H490 M150 425 H490" fill="none"/>""",
        ["building set"] = """<rect x="150" y="380" width="340" height="120" rx="8"/><rect x="210" y="260" width="220" height="120" rx="8"/><circle cx="250" cy="250" r="22"/><circle cx="390" cy="250" r="22"/>""",
        ["yo-yo"] = """<circle cx="320" cy="350" r="150"/><circle cx="320" cy="350" r="50" fill-opacity="0.5"/><path d="M320 200 V120" fill="none"/>""",
        ["card game"] = """<rect x="170" y="210" width="170" height="250" rx="16" transform="rotate(-14 255 335)"/><rect x="300" y="210" width="170" height="250" rx="16" transform="rotate(12 385 335)"/>""",
        ["marble run"] = """<path d="M130 200 L460 280 L180 360 L480 450" fill="none" stroke-width="30"/><circle cx="210" cy="190" r="30"/><circle cx="430" cy="440" r="30"/>""",
        ["spinning top"] = """<polygon points="320,520 150,330 320,230 490,330"/><rect x="300" y="140" width="40" height="100" rx="12"/>""",
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

    /// <summary>The product's picture as a JPEG: the object its noun names in its material's colour on its category's backdrop.</summary>
    public static byte[] Paint(DemoCatalog.DemoProduct product)
    {
        var (light, deep, categoryShape) = Categories[product.CategorySlug];
        var shape = Objects.GetValueOrDefault(product.Noun, categoryShape);
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
