using System.Text.Json;

namespace Vitrine.Tests.Stack;

/// <summary>
/// A newcomer's first run: a checkout under a directory only root may enter (like ~/vitrine under /root), with its own
/// .vitrine/ inside. A broken postgresql.conf must stop `up` at PostgreSQL's own complaint, not at the global timeout;
/// once fixed, the same checkout comes up and goes down leaving nothing behind.
/// </summary>
public sealed class FirstRunTests : IAsyncLifetime
{
    private readonly string parent = Path.Combine(Path.GetTempPath(), "vitrine-stack-tests", "private-" + Guid.NewGuid().ToString("N")[..8]);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        var checkout = Path.Combine(parent, "vitrine");
        if (Directory.Exists(checkout))
        {
            await new VitrineCli(checkout: checkout).RunAsync("down", "--purge");
        }

        if (Directory.Exists(parent))
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    [Fact]
    public async Task A_private_checkout_with_a_broken_postgresql_conf_fails_at_postgres_then_comes_up_once_fixed()
    {
        var checkout = await CopyCheckoutAsync();
        var config = Path.Combine(checkout, "deploy", "postgres", "postgresql.conf");
        var original = await File.ReadAllTextAsync(config);
        await File.WriteAllTextAsync(config, original + "\nnot_a_postgres_setting = 1\n");
        var cli = new VitrineCli(checkout: checkout);

        // A timeout far longer than the run: failing on it would mean up waited instead of seeing the failure.
        var (exit, output) = await cli.RunAsync("up", "--api", "1", "--web", "1", "--timeout", "1800");

        exit.ShouldBe(1, output);
        output.ShouldContain("postgres failed to start");
        output.ShouldContain("unrecognized configuration parameter \"not_a_postgres_setting\"");
        output.ShouldNotContain("did not become healthy");
        cli.LiveProcesses().ShouldBeEmpty();

        await File.WriteAllTextAsync(config, original);
        (exit, output) = await cli.RunAsync("up", "--api", "1", "--web", "1", "--timeout", "300");
        exit.ShouldBe(0, output);
        var status = await cli.StatusAsync();
        status.ShouldAllBe(component => component.Healthy, JsonSerializer.Serialize(status));

        (exit, output) = await cli.RunAsync("down", "--purge");
        exit.ShouldBe(0, output);
        cli.LiveProcesses().ShouldBeEmpty();
    }

    /// <summary>
    /// This checkout's files as a fresh clone has them (tracked and new, ignored ones left out), in a directory that
    /// only root may enter, so the servers that drop root cannot read anything of it.
    /// </summary>
    private async Task<string> CopyCheckoutAsync()
    {
        var source = new VitrineCli().RepositoryRoot;
        Directory.CreateDirectory(parent);
        File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var checkout = Path.Combine(parent, "vitrine");
        var (exit, files) = await VitrineCli.RunProgramAsync("git", ["-C", source, "ls-files", "--cached", "--others", "--exclude-standard", "-z"]);
        exit.ShouldBe(0, files);
        foreach (var file in files.Split('\0', StringSplitOptions.RemoveEmptyEntries).Where(f => File.Exists(Path.Combine(source, f))))
        {
            var target = Path.Combine(checkout, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(source, file), target);
            File.SetUnixFileMode(target, File.GetUnixFileMode(Path.Combine(source, file)));
        }

        return checkout;
    }
}
