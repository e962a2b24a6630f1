using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>
/// A real SMTP server: Python's standard-library smtpd in debugging mode, which accepts every message and prints it.
/// The peer for the MailKit sender (Debian's python3 3.11 still ships smtpd).
/// </summary>
public sealed class SmtpServer : IAsyncDisposable
{
    private readonly StringBuilder received = new();
    private Process? process;

    private SmtpServer(int port)
    {
        Port = port;
    }

    public int Port { get; }

    public string Received
    {
        get
        {
            lock (received)
            {
                return received.ToString();
            }
        }
    }

    public static async Task<SmtpServer> StartAsync()
    {
        var port = ServerProcess.FreePort();
        var start = ServerProcess.StartInfo("python3",
            ["-u", "-W", "ignore", "-m", "smtpd", "-n", "-c", "DebuggingServer", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"],
            asPostgresUser: false);
        var server = new SmtpServer(port);
        server.process = ServerProcess.Start(start, $"smtpd (python3, port {port})", onOutput: line =>
        {
            lock (server.received)
            {
                server.received.AppendLine(line);
            }
        });
        await ServerProcess.WaitForPortAsync(port, TimeSpan.FromSeconds(20), server.process);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            await ServerProcess.StopAsync(process);
            process = null;
        }
    }
}

/// <summary>An API that sends its e-mail over SMTP (MailKit) to a local server instead of writing files.</summary>
public sealed class SmtpApiFactory : ApiFactory
{
    public SmtpServer Smtp { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Smtp = await SmtpServer.StartAsync();
        Settings["Mail:SmtpHost"] = "127.0.0.1";
        Settings["Mail:SmtpPort"] = Smtp.Port.ToString(CultureInfo.InvariantCulture);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
