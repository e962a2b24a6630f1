namespace Vitrine.Web.Components.Ui;

public static class LocalUrl
{
    /// <summary>The return URL when it stays on this site (no open redirect to another host), else home.</summary>
    public static string OrHome(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";
}
