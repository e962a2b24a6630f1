using Vitrine.Api.Catalog;
using Vitrine.Api.Documentation;
using Vitrine.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApiDocumentation();
builder.Services.AddValidation();
builder.Services.AddSingleton(TimeProvider.System);

var app = builder.Build();

app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapApiDocumentation();

var v1 = app.MapGroup("/api/v1");
v1.MapCatalogApi();

return VitrineHost.Run(app);

/// <summary>The API's entry point; public so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
