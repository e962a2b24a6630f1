using System.Diagnostics;

namespace Vitrine.Cli.Stack;

/// <summary>Runs the programs the CLI drives (apt-get, initdb, dotnet), capturing their output.</summary>
public static class Shell
{
    public static bool IsRoot => Environment.UserName == "root";

    public sealed record Result(int ExitCode, string Output)
    {
        public bool Succeeded => ExitCode == 0;
    }

    public static async Task<Result> RunAsync(
        string program,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null,
        Action<string>? onLine = null,
        CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var output = new System.Text.StringBuilder();
        using var process = new Process { StartInfo = info };
        void Collect(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(e.Data);
            }

            onLine?.Invoke(e.Data);
        }

        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true); // Ctrl+C on vitrine stops what it started, too
            throw;
        }

        return new Result(process.ExitCode, output.ToString());
    }

    /// <summary>Runs a program as the postgres user (PostgreSQL's tools refuse root).</summary>
    public static Task<Result> RunAsPostgresAsync(
        string program, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, Action<string>? onLine = null, CancellationToken cancellationToken = default) =>
        IsRoot
            ? RunAsync("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", program, .. arguments], environment: environment, onLine: onLine, cancellationToken: cancellationToken)
            : RunAsync(program, arguments, environment: environment, onLine: onLine, cancellationToken: cancellationToken);

    public static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public static int? ReadPid(string pidFile)
    {
        if (!File.Exists(pidFile))
        {
            return null;
        }

        var first = File.ReadLines(pidFile).FirstOrDefault();
        return int.TryParse(first?.Trim(), out var pid) ? pid : null;
    }
}
