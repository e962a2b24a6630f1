using System.ComponentModel.DataAnnotations;

namespace Vitrine.Api.Mail;

/// <summary>
/// Outgoing e-mail (section "Mail"): SMTP through MailKit when SmtpHost is set; otherwise each message is written as an
/// .eml file to PickupDirectory (the local stack's .vitrine/mail), where a developer can open it.
/// </summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    [Required, EmailAddress]
    public string From { get; set; } = "shop@vitrine.local";

    public string PickupDirectory { get; set; } = "mail";

    public string? SmtpHost { get; set; }

    [Range(1, 65535)]
    public int SmtpPort { get; set; } = 587;

    public string? SmtpUser { get; set; }

    public string? SmtpPassword { get; set; }
}
