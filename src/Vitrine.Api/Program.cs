using Vitrine.Api;
using Vitrine.Api.Accounts;
using Vitrine.Api.Caching;
using Vitrine.Api.Catalog;
using Vitrine.Api.Documentation;
using Vitrine.Api.Events;
using Vitrine.Api.Images;
using Vitrine.Api.Jobs;
using Vitrine.Api.Orders;
using Vitrine.Api.Replication;
using Vitrine.Api.Security;
using Vitrine.ServiceDefaults;

if (await HealthProbe.RunIfRequestedAsync(args) is { } probe)
{
    return probe;
}

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddInputLimits();
builder.AddAccounts();
builder.AddVitrineRateLimiting();
builder.AddCatalogCache();
builder.AddProductImages();
builder.AddReplicaReads();
builder.AddOrders();
builder.AddJobs();
builder.AddEvents();
builder.AddApiDocumentation();
builder.Services.AddValidation();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddHostedService<Warmup>();

if (builder.BuildValidated() is not { } app)
{
    return 1;
}

app.UseServiceDefaults();
app.UsePrivateResponsesForCredentials();
app.UseAuthentication();
app.UseReadYourWrites();
app.UseRateLimiter();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapApiDocumentation();

var v1 = app.MapGroup("/api/v1");
v1.MapCatalogApi();
v1.MapProductImageUpload();
app.MapProductImages();
v1.MapAccountsApi();
v1.MapOrdersApi();
v1.MapLiveApi();
v1.MapReportsApi();
app.MapJobsDashboard();

app.Run();
return 0;

/// <summary>The API's entry point; public so integration tests can host it with WebApplicationFactory.</summary>
public partial class Program;
