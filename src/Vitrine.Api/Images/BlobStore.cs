using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;

namespace Vitrine.Api.Images;

/// <summary>Where original images live. The local directory is the default; another store plugs in here.</summary>
public interface IBlobStore
{
    Task PutAsync(string key, byte[] content, CancellationToken cancellationToken);

    Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken);
}

/// <summary>A directory on disk (a volume shared by the replicas in production, or per machine locally).</summary>
public sealed class LocalDirectoryBlobStore(IOptions<ImageOptions> options, IHostEnvironment environment) : IBlobStore
{
    private string Root => Path.GetFullPath(options.Value.Directory, environment.ContentRootPath);

    public async Task PutAsync(string key, byte[] content, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Root, key);
        if (File.Exists(path))
        {
            return; // keys are content hashes: the same key is the same bytes
        }

        Directory.CreateDirectory(Root);
        var partial = $"{path}.{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(partial, content, cancellationToken);
        File.Move(partial, path, overwrite: true);
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Root, key);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellationToken) : null;
    }
}

/// <summary>An S3 bucket (AWS or any S3-compatible service), shared by every replica.</summary>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    private readonly AmazonS3Client client;
    private readonly string bucket;

    public S3BlobStore(IOptions<ImageOptions> options)
    {
        var s3 = options.Value.S3;
        bucket = s3.Bucket!;
        var config = new AmazonS3Config
        {
            ForcePathStyle = s3.ForcePathStyle,
            // Checksums only where S3 requires them: several S3-compatible services reject the newer trailers.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (string.IsNullOrEmpty(s3.ServiceUrl))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(s3.Region);
        }
        else
        {
            config.ServiceURL = s3.ServiceUrl;
            config.AuthenticationRegion = s3.Region;
        }

        client = string.IsNullOrEmpty(s3.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(s3.AccessKey, s3.SecretKey), config);
    }

    public async Task PutAsync(string key, byte[] content, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(content);
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = body, UseChunkEncoding = false }, cancellationToken);
    }

    public async Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetObjectAsync(bucket, key, cancellationToken);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public void Dispose() => client.Dispose();
}
