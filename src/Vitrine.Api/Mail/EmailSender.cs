using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Vitrine.Api.Mail;

/// <summary>Sends a message. Two implementations: a pickup directory for development, SMTP (MailKit) for production.</summary>
public interface IEmailSender
{
    /// <summary>
    /// Sends <paramref name="message"/>. <paramref name="deduplicationKey"/> names the message for idempotency: the
    /// pickup directory writes one file per key, so a retried job overwrites rather than duplicates.
    /// </summary>
    Task SendAsync(MimeMessage message, string deduplicationKey, CancellationToken cancellationToken);
}

public sealed class PickupDirectorySender(IOptions<MailOptions> options, IHostEnvironment environment) : IEmailSender
{
    public async Task SendAsync(MimeMessage message, string deduplicationKey, CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(options.Value.PickupDirectory, environment.ContentRootPath);
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, deduplicationKey + ".eml");
        var partial = $"{file}.{Guid.NewGuid():N}.tmp"; // unique: a repeated job may write the same message at once
        await message.WriteToAsync(partial, cancellationToken);
        File.Move(partial, file, overwrite: true); // whole files only: a reader never sees half a message
    }
}

public sealed class SmtpSender(IOptions<MailOptions> options) : IEmailSender
{
    public async Task SendAsync(MimeMessage message, string deduplicationKey, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        message.MessageId = $"{deduplicationKey}@{settings.From.Split('@')[^1]}";
        using var client = new SmtpClient();
        // With credentials, TLS is required (465: implicit TLS; otherwise STARTTLS), so a man in the middle cannot strip
        // it and read the password; without them, TLS is used when the server offers it.
        var security = string.IsNullOrEmpty(settings.SmtpUser) ? SecureSocketOptions.StartTlsWhenAvailable
            : settings.SmtpPort == 465 ? SecureSocketOptions.SslOnConnect
            : SecureSocketOptions.StartTls;
        await client.ConnectAsync(settings.SmtpHost!, settings.SmtpPort, security, cancellationToken);
        if (!string.IsNullOrEmpty(settings.SmtpUser))
        {
            await client.AuthenticateAsync(settings.SmtpUser, settings.SmtpPassword ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}
