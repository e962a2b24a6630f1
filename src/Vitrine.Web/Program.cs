using Vitrine.ServiceDefaults;
using Vitrine.Web.Components;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults(ServiceKind.Web);
builder.Services.AddRazorComponents();

var app = builder.Build();

app.UseServiceDefaults();
app.UseAntiforgery();
app.MapDefaultEndpoints();
app.MapStaticAssets();
app.MapRazorComponents<App>();

return VitrineHost.Run(app);

/// <summary>The storefront's entry point; public so tests can host it with WebApplicationFactory.</summary>
public partial class Program;
