using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using Vitrine.Api.Mail;
using Vitrine.Api.Orders;
using Vitrine.Data;

namespace Vitrine.Api.Jobs;

/// <summary>The order-confirmation e-mail, sent once per order (the file or Message-Id is keyed by the order).</summary>
public sealed class OrderConfirmationJob(VitrineDbContext db, OrderQueries orders, IEmailSender sender, IOptions<MailOptions> mail, ILogger<OrderConfirmationJob> logger)
{
    public async Task SendAsync(long orderId, CancellationToken cancellationToken)
    {
        var order = await orders.FindAsync(orderId, cancellationToken);
        if (order is null)
        {
            logger.LogWarning("Order {OrderId} to confirm does not exist; nothing sent", orderId);
            return;
        }

        var user = await db.Users.AsNoTracking().SingleAsync(u => u.Id == order.UserId, cancellationToken);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(mail.Value.From));
        message.To.Add(new MailboxAddress(user.Name, user.Email));
        message.Subject = $"Your Vitrine order #{order.Id}";
        var lines = string.Join('\n', order.Items.Select(i =>
            $"  {i.Quantity} × {i.Name} — {Money(i.UnitPriceCents * i.Quantity, order.Currency)}"));
        message.Body = new TextPart("plain")
        {
            Text = $"""
                Hello {user.Name},

                thank you for your order #{order.Id}, placed {order.CreatedAt:yyyy-MM-dd HH:mm} UTC.

                {lines}

                Total: {Money(order.TotalCents, order.Currency)}

                We will write again when it ships.
                """,
        };
        await sender.SendAsync(message, $"order-{order.Id}", cancellationToken);
    }

    private static string Money(long cents, string currency) =>
        string.Create(CultureInfo.InvariantCulture, $"{cents / 100m:0.00} {currency}");
}
