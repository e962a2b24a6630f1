using Vitrine.ServiceDefaults;
using Vitrine.Web;
using Vitrine.Web.Accounts;
using Vitrine.Web.Cart;
using Vitrine.Web.Components;
using Vitrine.Web.Ops;

if (await HealthProbe.RunIfRequestedAsync(args) is { } probe)
{
    return probe;
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults(ServiceKind.Web);
builder.AddStorefront();
builder.Services.AddRazorComponents();

if (builder.BuildValidated() is not { } app)
{
    return 1;
}

app.UseServiceDefaults();
app.UseFriendlyStatusPages();
app.UseHtmlCacheHeaders();
app.UseSession();
app.UseAuthentication();
app.UseAuthorization();
app.UseOutputCache();
app.UseAntiforgery();

app.MapDefaultEndpoints();
app.MapStaticAssets();
app.MapCartEndpoints();
app.MapAccountEndpoints();
app.MapAdminEndpoints();
app.MapAlertReceiver();
app.MapRazorComponents<App>();

app.Run();
return 0;

/// <summary>The storefront's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
