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

    /// <summary>Loads the catalog unless one is already there; returns the number of products added.</summary>
    public static async Task<int> LoadAsync(VitrineDbContext db, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        if (await db.Categories.AnyAsync(cancellationToken))
        {
            return 0;
        }

        var now = clock.GetUtcNow();
        var added = 0;
        for (var c = 0; c < Categories.Length; c++)
        {
            var (slug, name, nouns) = Categories[c];
            var category = new Category { Slug = slug, Name = name };
            db.Categories.Add(category);
            for (var i = 0; i < ProductsPerCategory; i++)
            {
                var adjective = Adjectives[(i * 7 + c) % Adjectives.Length];
                var material = Materials[(i * 5 + c * 3) % Materials.Length];
                var noun = nouns[i % nouns.Length];
                var productName = $"{adjective} {material} {noun}";
                db.Products.Add(new Product
                {
                    Name = char.ToUpperInvariant(productName[0]) + productName[1..],
                    Description = $"A {adjective.ToLowerInvariant()} {noun} in {material}, {Phrases[(i + c) % Phrases.Length]}.",
                    PriceCents = 499 + ((i * 1_237 + c * 311) % 19_500),
                    Currency = "USD",
                    Stock = 5 + ((i * 13 + c) % 120),
                    Category = category,
                    CreatedAt = now.AddMinutes(-(c * ProductsPerCategory + i)),
                    UpdatedAt = now,
                });
                added++;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        return added;
    }
}
