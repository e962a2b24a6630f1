using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Vitrine.Cli.Containers;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Commands;

/// <summary>
/// `vitrine images`: builds every image of the Compose stack (API, Web, migrate through the SDK's container build;
/// nginx, PostgreSQL, PgBouncer, Redis, Prometheus and the exporters from Debian packages), cached, with progress.
/// Installs Docker's engine, Compose, mmdebstrap and a registry when missing, and starts dockerd when none answers.
/// </summary>
public static class ImagesCommand
{
    public static Command Create()
    {
        var command = new Command("images", "Build every container image of the Compose stack (cached); starts a Docker engine when none answers");
        command.SetAction((_, cancellationToken) => RunAsync(cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var layout = StackLayout.Discover();
        var engine = await DockerEngine.EnsureAsync(layout, cancellationToken);
        if (engine is null)
        {
            return 1;
        }

        return await BuildAsync(engine, cancellationToken) ? 0 : 1;
    }

    public static async Task<bool> BuildAsync(DockerEngine engine, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        AnsiConsole.MarkupLineInterpolated($"[bold]Building images[/] on {engine.Host}…");
        var builder = new ImageBuilder(engine);
        if (!await builder.BuildAllAsync(cancellationToken))
        {
            return false;
        }

        var table = new Table().AddColumn("image").AddColumn(new TableColumn("size").RightAligned());
        foreach (var (image, bytes) in await builder.SizesAsync(cancellationToken))
        {
            table.AddRow(image, bytes < 0 ? "missing" : (bytes / 1e6).ToString("0", CultureInfo.InvariantCulture) + " MB");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"[green]Images ready[/] in {clock.Elapsed.TotalSeconds:0} s.");
        return true;
    }
}
