using System.CommandLine;
using Spectre.Console;
using Vitrine.Cli.Commands;

// Tables hold long URLs; when the output is a file or a pipe there is no terminal width to respect.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 240;
}

var root = new RootCommand("Vitrine: a storefront platform. `vitrine up` starts the whole stack on this machine; `vitrine test` runs every test suite against real services.")
{
    UpCommand.Create(),
    DownCommand.Create(),
    StatusCommand.Create(),
    LogsCommand.Create(),
    RestartCommand.Create(),
    TestCommand.Create(),
    MigrateCommand.Create(),
    SeedCommand.Create(),
    BackupCommand.Create(),
    RestoreCommand.Create(),
    BenchCommand.Create(),
    ImagesCommand.Create(),
    ComposeCommand.Create(),
    CapacityCommand.Create(),
};

return await root.Parse(args).InvokeAsync();
