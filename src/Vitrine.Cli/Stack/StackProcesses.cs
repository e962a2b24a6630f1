using System.Globalization;
using System.Text;

namespace Vitrine.Cli.Stack;

/// <summary>
/// Finds this stack's processes by the tag they inherit or by their state directory in the command line. Only `down`
/// uses it, as a safety net for what outlived the AppHost (killed, crashed): then nothing else knows those processes.
/// </summary>
public static class StackProcesses
{
    public static IReadOnlyList<int> Find(StackLayout layout)
    {
        var self = Environment.ProcessId;
        var tag = $"{StackModel.StackVariable}={layout.StateDirectory}";
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == self)
            {
                continue;
            }

            if (Contains(Path.Combine(directory, "environ"), tag) || Contains(Path.Combine(directory, "cmdline"), layout.StateDirectory + "/"))
            {
                found.Add(pid);
            }
        }

        return found.Where(Shell.IsAlive).ToList();
    }

    private static bool Contains(string procFile, string text)
    {
        try
        {
            var content = Encoding.UTF8.GetString(File.ReadAllBytes(procFile));
            return content.Split('\0').Any(part => part.Contains(text, StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static void Signal(int pid, string signal)
    {
        // A shell-out: .NET sends only SIGKILL (Process.Kill); TERM and INT need kill(1).
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public static async Task<bool> WaitForExitAsync(IEnumerable<int> pids, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        var remaining = pids.ToList();
        while (remaining.Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, cancellationToken);
            remaining = remaining.Where(Shell.IsAlive).ToList();
        }

        return remaining.Count == 0;
    }
}
