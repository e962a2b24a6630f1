// The bare Kestrel ceiling for `vitrine bench`: the API's /health/live answer with nothing in front of it (no middleware,
// no routing, no logging, no telemetry). A scenario's ratio to it is what the framework and Vitrine cost together; its
// ratio to the `ceiling` scenario (the API's own /health/live, every middleware on) is what the endpoint itself costs.
var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = args });
builder.WebHost.UseKestrelCore();
var app = builder.Build();
app.Run(http =>
{
    http.Response.ContentType = "text/plain";
    return http.Response.WriteAsync("Healthy", http.RequestAborted);
});
app.Run(args.Length > 0 ? args[0] : "http://127.0.0.1:5199");
