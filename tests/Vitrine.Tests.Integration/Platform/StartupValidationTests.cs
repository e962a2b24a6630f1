using System.Diagnostics;

namespace Vitrine.Tests.Integration.Platform;

/// <summary>A missing or weak secret in Production stops the process with one clear line (CONTRACT §5).</summary>
public sealed class StartupValidationTests
{
    private static async Task<(int ExitCode, string Error)> StartApiAsync(Dictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Vitrine.Api.dll"), "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["ConnectionStrings__Postgres"] = "Host=127.0.0.1;Port=1;Database=none";
        info.Environment["ConnectionStrings__Redis"] = "127.0.0.1:1";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        await output;
        return (process.ExitCode, await error);
    }

    [Fact]
    public async Task Production_refuses_to_start_without_a_signing_key()
    {
        var (exitCode, error) = await StartApiAsync(new() { ["Jwt__SigningKey"] = null });

        exitCode.ShouldBe(1);
        error.Trim().Split('\n').Length.ShouldBe(1);
        error.ShouldContain("Jwt:SigningKey is required");
        error.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task Production_refuses_a_weak_signing_key()
    {
        var (exitCode, error) = await StartApiAsync(new() { ["Jwt__SigningKey"] = "changeme" });

        exitCode.ShouldBe(1);
        error.ShouldContain("too weak");
    }

    [Fact]
    public async Task A_missing_connection_string_is_named()
    {
        var (exitCode, error) = await StartApiAsync(new() { ["ConnectionStrings__Postgres"] = null, ["Jwt__SigningKey"] = new string('k', 40) });

        exitCode.ShouldBe(1);
        error.ShouldContain("ConnectionStrings__Postgres");
    }

    [Theory]
    [InlineData("ConnectionStrings__PostgresRead", "Hots=127.0.0.1;Database=x", "ConnectionStrings:PostgresRead")]
    [InlineData("ConnectionStrings__PostgresDirect", "Hots=127.0.0.1;Database=x", "ConnectionStrings:PostgresDirect")]
    [InlineData("Database__ReadYourWritesSeconds", "0", "ReadYourWritesSeconds")]
    public async Task A_bad_read_replica_setting_is_named(string key, string value, string named)
    {
        var (exitCode, error) = await StartApiAsync(new() { [key] = value, ["Jwt__SigningKey"] = new string('k', 40) });

        exitCode.ShouldBe(1);
        error.ShouldContain(named);
        error.ShouldNotContain("   at ");
    }
}
