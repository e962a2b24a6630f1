using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Vitrine.Web.Components;

/// <summary>
/// Turns on streaming rendering for everything inside it (pages inherit the setting from their nearest ancestor).
/// Used only for enhanced navigations: without JavaScript, streamed updates would never be applied
/// (dotnet/aspnetcore#51389), so a full page load renders each page completely before sending it.
/// </summary>
[StreamRendering]
public sealed class StreamingRendering : ComponentBase
{
    [Parameter]
    public RenderFragment? ChildContent { get; set; }

    /// <summary>blazor.web.js asks for pages with this Accept header when it navigates or posts an enhanced form.</summary>
    public static bool IsEnhancedNavigation(HttpContext context) =>
        context.Request.Headers.Accept.ToString().Contains("blazor-enhanced-nav=on", StringComparison.OrdinalIgnoreCase);

    protected override void BuildRenderTree(RenderTreeBuilder builder) => builder.AddContent(0, ChildContent);
}
