using Microsoft.EntityFrameworkCore;
using Vitrine.Data.Model;

namespace Vitrine.Data.Seeding;

/// <summary>
/// The small demo catalog that the first `vitrine up` loads: a few hundred products in several categories,
/// deterministic so every fresh stack shows the same shop.
/// </summary>
public static class DemoCatalog
{
    public const int ProductsPerCategory = 40;

    private static readonly (string Slug, string Name, string[] Nouns)[] Categories =
    [
        ("home", "Home & Living", ["lamp", "vase", "cushion", "blanket", "mirror", "candle", "clock", "rug"]),
        ("kitchen", "Kitchen", ["kettle", "teapot", "skillet", "knife", "cutting board", "mug", "bowl", "grinder"]),
        ("outdoors", "Outdoors", ["tent", "backpack", "lantern", "hammock", "water bottle", "compass", "stove", "sleeping bag"]),
        ("books", "Books", ["novel", "cookbook", "atlas", "notebook", "journal", "sketchbook", "field guide", "anthology"]),
        ("audio", "Audio", ["headphones", "speaker", "turntable", "amplifier", "radio", "earbuds", "microphone", "soundbar"]),
        ("apparel", "Apparel", ["jacket", "sweater", "scarf", "beanie", "shirt", "raincoat", "gloves", "socks"]),
        ("office", "Office", ["desk", "chair", "pen", "stapler", "monitor stand", "organizer", "desk mat", "bookend"]),
        ("toys", "Toys & Games", ["puzzle", "board game", "kite", "building set", "yo-yo", "card game", "marble run", "spinning top"]),
    ];

    private static readonly string[] Adjectives =
    [
        "Classic", "Modern", "Rustic", "Compact", "Deluxe", "Handmade", "Vintage", "Minimal", "Sturdy", "Cozy",
        "Nordic", "Portable", "Elegant", "Everyday", "Premium", "Recycled", "Bold", "Quiet", "Bright", "Soft",
    ];

    private static readonly string[] Materials =
    [
        "oak", "walnut", "ceramic", "linen", "wool", "copper", "steel", "bamboo", "leather", "cotton", "glass", "cork",
    ];

    private static readonly string[] Phrases =
    [
        "built to last for years of daily use",
        "a favourite of our customers",
        "designed in small batches",
        "easy to clean and care for",
        "made from responsibly sourced materials",
        "light enough to take anywhere",
        "a thoughtful gift for someone special",
        "finished by hand",
    ];

    /// <summary>One demo product as the catalog makes it: its words (for its picture) and its place in the catalog.</summary>
    public sealed record DemoProduct(string CategorySlug, int CategoryIndex, int Index, string Adjective, string Material, string Noun)
    {
        public string Name
        {
            get
            {
                var name = $"{Adjective} {Material} {Noun}";
                return char.ToUpperInvariant(name[0]) + name[1..];
            }
        }
    }

    /// <summary>Every demo product, in the order the catalog adds them (the names are unique).</summary>
    public static IReadOnlyList<DemoProduct> Products { get; } =
    [
        .. Categories.SelectMany((category, c) => Enumerable.Range(0, ProductsPerCategory).Select(i => new DemoProduct(
            category.Slug, c, i, Adjectives[(i * 7 + c) % Adjectives.Length], Materials[(i * 5 + c * 3) % Materials.Length], category.Nouns[i % category.Nouns.Length]))),
    ];

    /// <summary>Loads the catalog unless one is already there; returns the number of products added.</summary>
    public static async Task<int> LoadAsync(VitrineDbContext db, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        if (await db.Categories.AnyAsync(cancellationToken))
        {
            return 0;
        }

        var now = clock.GetUtcNow();
        var categories = Categories.Select(c => new Category { Slug = c.Slug, Name = c.Name }).ToList();
        db.Categories.AddRange(categories);
        foreach (var product in Products)
        {
            var (c, i) = (product.CategoryIndex, product.Index);
            db.Products.Add(new Product
            {
                Name = product.Name,
                Description = $"A {product.Adjective.ToLowerInvariant()} {product.Noun} in {product.Material}, {Phrases[(i + c) % Phrases.Length]}.",
                PriceCents = 499 + ((i * 1_237 + c * 311) % 19_500),
                Currency = "USD",
                Stock = 5 + ((i * 13 + c) % 120),
                Category = categories[c],
                CreatedAt = now.AddMinutes(-(c * ProductsPerCategory + i)),
                UpdatedAt = now,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
        return Products.Count;
    }
}
