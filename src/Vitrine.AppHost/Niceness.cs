using System.Globalization;
using System.Runtime.InteropServices;

namespace Vitrine.AppHost;

/// <summary>
/// Lowers the CPU priority of a developer tool's process (the dashboard) so that under load it gets what the stack's
/// servers leave: on a small machine the dashboard ingesting traces and metrics otherwise takes CPU from the replica
/// being measured. Linux keeps a nice value per thread, so every thread is changed; threads started later inherit it.
/// </summary>
internal static class Niceness
{
    public const int Background = 10;

    /// <summary>Sets every thread of <paramref name="pid"/> to <paramref name="nice"/>; false when the process is gone or it cannot.</summary>
    public static bool Lower(int pid, int nice = Background)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            var changed = false;
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task"))
            {
                if (int.TryParse(Path.GetFileName(task), NumberStyles.None, CultureInfo.InvariantCulture, out var tid))
                {
                    changed |= SetPriority(ProcessWhich, tid, nice) == 0;
                }
            }

            return changed;
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

    private const int ProcessWhich = 0; // PRIO_PROCESS: on Linux, "who" is a thread id.

    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetPriority(int which, int who, int priority);
}
