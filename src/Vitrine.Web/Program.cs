using Vitrine.ServiceDefaults;
using Vitrine.Web.Components;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults(ServiceKind.Web);
builder.Services.AddRazorComponents();

if (builder.BuildValidated() is not { } app)
{
    return 1;
}

app.UseServiceDefaults();
app.UseAntiforgery();
app.MapDefaultEndpoints();
app.MapStaticAssets();
app.MapRazorComponents<App>();

app.Run();
return 0;

/// <summary>The storefront's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
