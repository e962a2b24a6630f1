using Microsoft.AspNetCore.Http.HttpResults;

namespace Vitrine.Web.Components.Ui;

public static class LocalUrl
{
    /// <summary>The return URL when it stays on this site (no open redirect to another host), else home.</summary>
    public static string OrHome(string? url) => RedirectHttpResult.IsLocalUrl(url) ? url! : "/";
}
