namespace Vitrine.Data.Model;

public sealed class Category
{
    public long Id { get; set; }

    public required string Slug { get; set; }

    public required string Name { get; set; }
}
