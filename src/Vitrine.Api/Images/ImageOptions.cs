using System.ComponentModel.DataAnnotations;

namespace Vitrine.Api.Images;

/// <summary>Product images (section "Images"): originals in a blob store, resized variants cached on disk.</summary>
public sealed class ImageOptions
{
    public const string Section = "Images";

    /// <summary>Where the local blob store keeps originals (relative paths are under the content root).</summary>
    [Required]
    public string Directory { get; set; } = "images";

    /// <summary>Where resized and re-encoded variants are cached.</summary>
    [Required]
    public string CacheDirectory { get; set; } = "images-cache";

    /// <summary>Largest upload accepted.</summary>
    [Range(1024, 50 * 1024 * 1024)]
    public long MaxUploadBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Largest width or height of an accepted original (a decompression bomb guard).</summary>
    [Range(16, 20_000)]
    public int MaxDimension { get; set; } = 6000;
}
