using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using NetVips;

namespace Vitrine.Api.Images;

/// <summary>The formats served, best first; the browser's Accept header picks the first it takes.</summary>
public enum ImageFormat
{
    Avif,
    Webp,
    Jpeg,
}

/// <summary>
/// Image work through libvips (NetVips): uploads are sniffed from their bytes and decoded before they are kept; variants
/// are resized to one of a few widths and encoded as AVIF, WebP or JPEG once, then served from the disk cache.
/// </summary>
public sealed class ProductImages(IBlobStore blobs, IOptions<ImageOptions> options, IHostEnvironment environment)
{
    /// <summary>The widths a variant may have: a bounded set, so hostile ?w= values cannot fill the disk.</summary>
    public static readonly int[] Widths = [160, 320, 480, 640, 960, 1280, 1920];

    public abstract record UploadResult;

    public sealed record Stored(string Key) : UploadResult;

    public sealed record Rejected(string Reason) : UploadResult;

    public async Task<UploadResult> StoreAsync(byte[] content, CancellationToken cancellationToken)
    {
        if (!LooksLikeImage(content))
        {
            return new Rejected("Only JPEG, PNG, WebP and AVIF images are accepted.");
        }

        try
        {
            using var image = Image.NewFromBuffer(content, access: Enums.Access.Sequential);
            var loader = image.Get("vips-loader") as string ?? "";
            if (!loader.StartsWith("jpegload", StringComparison.Ordinal) && !loader.StartsWith("pngload", StringComparison.Ordinal)
                && !loader.StartsWith("webpload", StringComparison.Ordinal) && !loader.StartsWith("heifload", StringComparison.Ordinal))
            {
                return new Rejected("Only JPEG, PNG, WebP and AVIF images are accepted.");
            }

            if (image.Width > options.Value.MaxDimension || image.Height > options.Value.MaxDimension)
            {
                return new Rejected($"Images may be at most {options.Value.MaxDimension} pixels wide and high.");
            }
        }
        catch (VipsException)
        {
            return new Rejected("The file is not a readable image.");
        }

        // The key is the content's hash: identical uploads share one original, and URLs change when content does.
        var key = Convert.ToHexString(SHA256.HashData(content))[..32].ToLowerInvariant();
        await blobs.PutAsync(key, content, cancellationToken);
        return new Stored(key);
    }

    /// <summary>The variant's bytes, made on first request and cached on disk; null when the original is unknown.</summary>
    public async Task<byte[]?> VariantAsync(string key, int width, ImageFormat format, CancellationToken cancellationToken)
    {
        var cacheDirectory = Path.GetFullPath(options.Value.CacheDirectory, environment.ContentRootPath);
        var cached = Path.Combine(cacheDirectory, key, $"{width}.{format.ToString().ToLowerInvariant()}");
        if (File.Exists(cached))
        {
            return await File.ReadAllBytesAsync(cached, cancellationToken);
        }

        var original = await blobs.GetAsync(key, cancellationToken);
        if (original is null)
        {
            return null;
        }

        byte[] encoded;
        using (var thumbnail = Image.ThumbnailBuffer(original, width, size: Enums.Size.Down))
        {
            encoded = format switch
            {
                ImageFormat.Avif => thumbnail.HeifsaveBuffer(q: 50, compression: Enums.ForeignHeifCompression.Av1, effort: 2, keep: Enums.ForeignKeep.None),
                ImageFormat.Webp => thumbnail.WebpsaveBuffer(q: 78, keep: Enums.ForeignKeep.None),
                _ => thumbnail.JpegsaveBuffer(q: 82, optimizeCoding: true, interlace: true, keep: Enums.ForeignKeep.None),
            };
        }

        Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
        var partial = $"{cached}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(partial, encoded, cancellationToken);
        File.Move(partial, cached, overwrite: true);
        return encoded;
    }

    public static ImageFormat Negotiate(string? accept) =>
        accept is null ? ImageFormat.Jpeg
        : accept.Contains("image/avif", StringComparison.OrdinalIgnoreCase) ? ImageFormat.Avif
        : accept.Contains("image/webp", StringComparison.OrdinalIgnoreCase) ? ImageFormat.Webp
        : ImageFormat.Jpeg;

    public static string ContentType(ImageFormat format) => format switch
    {
        ImageFormat.Avif => "image/avif",
        ImageFormat.Webp => "image/webp",
        _ => "image/jpeg",
    };

    /// <summary>
    /// A first look at the magic bytes, before libvips sees anything: only the four formats we serve get decoded at
    /// all (libvips would also open SVG, PDF and more, which is attack surface an upload does not need).
    /// </summary>
    private static bool LooksLikeImage(ReadOnlySpan<byte> content) =>
        content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])
        || content.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])
        || (content.Length >= 12 && content[..4].SequenceEqual("RIFF"u8) && content[8..12].SequenceEqual("WEBP"u8))
        || (content.Length >= 12 && content[4..8].SequenceEqual("ftyp"u8) && (content[8..12].SequenceEqual("avif"u8) || content[8..12].SequenceEqual("avis"u8)));
}
