using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Vitrine.Data;
using Vitrine.Data.Seeding;
using Vitrine.Tests.Integration.Infrastructure;

namespace Vitrine.Tests.Browser.Infrastructure;

[CollectionDefinition(Name)]
public sealed class StorefrontTests : ICollectionFixture<StorefrontFixture>
{
    public const string Name = "storefront";
}

/// <summary>
/// The API (with the demo catalog) and the Web, each on Kestrel on a free port, over the run's one PostgreSQL and two
/// Redis servers; and Playwright driving Debian's Chromium (/usr/bin/chromium), a fresh profile per browser.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes fixtures through IAsyncLifetime.DisposeAsync.")]
public sealed class StorefrontFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery";

    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private readonly List<string> profiles = [];
    private List<int> driver = [];
    private WebFactory? web;
    private IPlaywright? playwright;

    public CatalogApiFactory Api { get; } = new();

    public WebFactory Web => web ?? throw new InvalidOperationException("not initialised");

    /// <summary>The Web's address as a browser uses it (localhost: a secure context, so Secure cookies work over http).</summary>
    public Uri BaseUrl { get; private set; } = default!;

    public Uri ApiUrl { get; private set; } = default!;

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string ScreenshotDirectory { get; } = CreateScreenshotDirectory();

    public async Task InitializeAsync()
    {
        await Api.InitializeAsync();
        ApiUrl = Api.CreateClient().BaseAddress!;
        web = new WebFactory(Api, ApiUrl);
        var address = Web.CreateClient().BaseAddress!;
        BaseUrl = new UriBuilder(address) { Host = "localhost" }.Uri;
        // Playwright runs a driver (node) that launches Chromium: both are recorded by pid, so the run never leaves one.
        var before = RunProcesses.Children();
        playwright = await Playwright.CreateAsync();
        driver = RunProcesses.Children().Except(before).ToList();
        driver.RemoveAll(pid => !RunProcesses.TryTrack(pid, "playwright driver (node)"));

        // Assertions wait for the page to get there; generous, because `vitrine test` runs every suite at once on
        // a small machine. Passing never depends on it being quick.
        Assertions.SetDefaultExpectTimeout(30_000);
    }

    /// <summary>A new browser with a fresh profile (no cookies); JavaScript on or off.</summary>
    public async Task<IBrowserContext> NewBrowserAsync(bool javaScript = true, bool bypassContentSecurityPolicy = false)
    {
        var profile = Path.Combine(Path.GetTempPath(), "vitrine-browser-profiles", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        profiles.Add(profile);
        var context = await playwright!.Chromium.LaunchPersistentContextAsync(profile, new BrowserTypeLaunchPersistentContextOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
            JavaScriptEnabled = javaScript,
            BypassCSP = bypassContentSecurityPolicy,
            BaseURL = BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout(30_000);
        foreach (var pid in driver)
        {
            RunProcesses.TrackDescendants(pid, "chromium (playwright)");
        }

        return context;
    }

    /// <summary>An admin account made directly in the database (no endpoint creates admins).</summary>
    public async Task<string> CreateAdminAsync()
    {
        var email = $"admin-{Guid.NewGuid():N}@example.com";
        using var scope = Api.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<VitrineDbContext>();
        await AdminAccount.EnsureAsync(db, email, BCrypt.Net.BCrypt.HashPassword(Password, 4), TimeProvider.System);
        return email;
    }

    public static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        playwright?.Dispose();
        foreach (var pid in driver)
        {
            // The driver exits (closing its browsers) once Playwright is disposed; stopped by pid if it does not.
            await RunProcesses.StopAsync(pid, grace: TimeSpan.FromSeconds(10));
        }

        if (web is not null)
        {
            await web.DisposeAsync();
        }

        await ((IAsyncLifetime)Api).DisposeAsync();
        foreach (var profile in profiles)
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still be writing its profile as it exits; /tmp is swept anyway.
            }
        }
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Vitrine.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The tests run from outside a Vitrine checkout.");
    }

    /// <summary>artifacts/test/screenshots in the checkout, kept with the test results.</summary>
    private static string CreateScreenshotDirectory()
    {
        var path = Path.Combine(RepositoryRoot, "artifacts", "test", "screenshots");
        Directory.CreateDirectory(path);
        return path;
    }
}
