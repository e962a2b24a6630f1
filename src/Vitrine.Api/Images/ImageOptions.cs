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

    /// <summary>An S3-compatible store for originals instead of <see cref="Directory"/>, when its bucket is set.</summary>
    public S3StoreOptions S3 { get; set; } = new();

    /// <summary>Paint a picture for every demo product without an image when a replica starts (<see cref="DemoPictures"/>).</summary>
    public bool DemoPictures { get; set; } = true;

    /// <summary>Largest width or height of an accepted original (a decompression bomb guard).</summary>
    [Range(16, 20_000)]
    public int MaxDimension { get; set; } = 6000;
}

public sealed class S3StoreOptions
{
    /// <summary>Setting a bucket switches originals to S3 (or any S3-compatible service at <see cref="ServiceUrl"/>).</summary>
    public string? Bucket { get; set; }

    /// <summary>Endpoint of an S3-compatible service (MinIO, Ceph, R2…); empty for AWS itself.</summary>
    public string? ServiceUrl { get; set; }

    public string Region { get; set; } = "us-east-1";

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>Most S3-compatible services want path-style addressing (https://host/bucket/key).</summary>
    public bool ForcePathStyle { get; set; } = true;
}
