using System.Text.Json;

namespace Vitrine.Web.Cart;

/// <summary>One line of the cart: a product and how many.</summary>
public sealed record CartLine(long ProductId, int Quantity);

/// <summary>
/// The shopper's cart, kept in the ASP.NET Core session, which lives in the durable Redis: it survives a replica
/// change and a restart. Holds only ids and quantities; names and prices are always read fresh from the API.
/// </summary>
public sealed class CartStore(IHttpContextAccessor accessor, CheckoutMetrics metrics)
{
    /// <summary>The API takes at most 50 lines per order; the cart holds no more than one order can.</summary>
    public const int MaxLines = 50;

    public const int MaxQuantity = 99;

    private const string Key = "cart";

    private ISession Session => accessor.HttpContext?.Session ?? throw new InvalidOperationException("No session.");

    public async Task<IReadOnlyList<CartLine>> GetAsync(CancellationToken cancellationToken)
    {
        await Session.LoadAsync(cancellationToken);
        return Session.GetString(Key) is { } json ? JsonSerializer.Deserialize<List<CartLine>>(json) ?? [] : [];
    }

    public async Task<int> CountAsync(CancellationToken cancellationToken) => (await GetAsync(cancellationToken)).Sum(l => l.Quantity);

    /// <summary>Adds to a line (capped at <see cref="MaxQuantity"/>); false when the cart is full.</summary>
    public async Task<bool> AddAsync(long productId, int quantity, CancellationToken cancellationToken)
    {
        var lines = (await GetAsync(cancellationToken)).ToList();
        var index = lines.FindIndex(l => l.ProductId == productId);
        if (index < 0 && lines.Count >= MaxLines)
        {
            return false;
        }

        var current = index < 0 ? 0 : lines[index].Quantity;
        var line = new CartLine(productId, Math.Clamp(current + quantity, 1, MaxQuantity));
        if (index < 0)
        {
            lines.Add(line);
        }
        else
        {
            lines[index] = line;
        }

        await SaveAsync(lines, cancellationToken);
        if (lines.Count == 1 && index < 0)
        {
            metrics.CartStarted();
        }

        return true;
    }

    /// <summary>Sets a line's quantity; zero removes it.</summary>
    public async Task SetAsync(long productId, int quantity, CancellationToken cancellationToken)
    {
        var lines = (await GetAsync(cancellationToken)).ToList();
        var index = lines.FindIndex(l => l.ProductId == productId);
        if (index < 0)
        {
            return;
        }

        if (quantity <= 0)
        {
            lines.RemoveAt(index);
        }
        else
        {
            lines[index] = lines[index] with { Quantity = Math.Min(quantity, MaxQuantity) };
        }

        await SaveAsync(lines, cancellationToken);
    }

    public async Task ClearAsync(CancellationToken cancellationToken)
    {
        await Session.LoadAsync(cancellationToken);
        Session.Remove(Key);
        await Session.CommitAsync(cancellationToken);
    }

    private async Task SaveAsync(List<CartLine> lines, CancellationToken cancellationToken)
    {
        Session.SetString(Key, JsonSerializer.Serialize(lines));
        await Session.CommitAsync(cancellationToken);
    }
}
