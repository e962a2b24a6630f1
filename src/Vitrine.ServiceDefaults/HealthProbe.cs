namespace Vitrine.ServiceDefaults;

/// <summary>
/// `Vitrine.Api --health-probe [path]`: the process asks its own running twin in the same container whether it is
/// healthy and exits 0 or 1. Container images carry no shell or curl, so the health check is the app binary itself
/// (Compose: `test: ["CMD", "/app/Vitrine.Api", "--health-probe"]`, exec form, no shell).
/// </summary>
public static class HealthProbe
{
    public const string Argument = "--health-probe";

    /// <summary>Null when the process was not started as a probe; otherwise the exit code of the probe.</summary>
    public static async Task<int?> RunIfRequestedAsync(string[] args)
    {
        if (args.Length == 0 || args[0] != Argument)
        {
            return null;
        }

        var path = args.Length > 1 ? args[1] : "/health/ready";
        // ASPNETCORE_HTTP_PORTS is how the images set the listening port (the first one is probed).
        var port = (Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS") ?? "8080").Split([',', ';'])[0].Trim();
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}{path}"));
            await Console.Out.WriteLineAsync($"{path}: {(int)response.StatusCode}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            await Console.Out.WriteLineAsync($"{path}: {exception.Message}");
            return 1;
        }
    }
}
