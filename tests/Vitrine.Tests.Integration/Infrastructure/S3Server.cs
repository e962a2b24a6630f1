using System.Diagnostics;
using System.Globalization;

namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>
/// s3rver (npm), a real S3-compatible server, on a free port with a temporary directory and one bucket: the peer
/// for the S3 blob store. `./vitrine test` installs it under tests/tools.
/// </summary>
public sealed class S3Server : IAsyncDisposable
{
    public const string Bucket = "vitrine-images";
    private readonly Process process;
    private readonly string directory;

    private S3Server(Process process, string directory, int port)
    {
        this.process = process;
        this.directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string ServiceUrl => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static async Task<S3Server> StartAsync()
    {
        var s3rver = Path.Combine(ServerProcess.RepositoryRoot, "tests", "tools", "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(s3rver))
        {
            throw new InvalidOperationException($"{s3rver} is missing: run ./vitrine test (it runs npm install in tests/tools).");
        }

        var directory = Path.Combine(Path.GetTempPath(), "vitrine-tests", "s3-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        var port = ServerProcess.FreePort();
        var start = ServerProcess.StartInfo("node",
            [s3rver, "--directory", directory, "--address", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--configure-bucket", Bucket, "--silent"],
            asPostgresUser: false);
        var process = ServerProcess.Start(start, $"s3rver (node, port {port})");
        await ServerProcess.WaitForPortAsync(port, TimeSpan.FromSeconds(30), process);
        return new S3Server(process, directory, port);
    }

    public async ValueTask DisposeAsync()
    {
        await ServerProcess.StopAsync(process);
        Directory.Delete(directory, recursive: true);
    }
}

/// <summary>An API whose image originals go to an S3-compatible server instead of a local directory.</summary>
public sealed class S3ImagesApiFactory : ApiFactory
{
    public S3Server S3 { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        S3 = await S3Server.StartAsync();
        Settings["Images:S3:Bucket"] = S3Server.Bucket;
        Settings["Images:S3:ServiceUrl"] = S3.ServiceUrl;
        Settings["Images:S3:AccessKey"] = "S3RVER";
        Settings["Images:S3:SecretKey"] = "S3RVER";
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await S3.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
