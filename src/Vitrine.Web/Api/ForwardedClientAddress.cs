namespace Vitrine.Web.Api;

/// <summary>
/// Tells the API who the shopper is (X-Forwarded-For), so its per-client limits (logins, registrations, the general
/// rate) count shoppers, not the Web replica that calls on their behalf. The API trusts it from loopback only.
/// </summary>
public sealed class ForwardedClientAddress(IHttpContextAccessor accessor) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (accessor.HttpContext?.Connection.RemoteIpAddress is { } address)
        {
            request.Headers.Remove("X-Forwarded-For");
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", address.ToString());
        }

        return base.SendAsync(request, cancellationToken);
    }
}
