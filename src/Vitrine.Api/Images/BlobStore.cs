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
