using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>
/// Every process a fixture starts, by pid: stopped when the test assembly finishes (<see cref="RunTestFramework"/>) or,
/// failing that, when the test process exits; and written as a pid file into the run directory that `vitrine test`
/// passes in <see cref="RunDirectoryVariable"/>, so the leftovers of a crashed test host are found by pid after the run,
/// never by name or command line (redis-server and postgres rewrite their process titles).
/// </summary>
public static class RunProcesses
{
    /// <summary>Set by `vitrine test`; a test run outside it writes its pid files under the temp directory.</summary>
    public const string RunDirectoryVariable = "VITRINE_TEST_RUN_DIR";

    private static readonly ConcurrentDictionary<int, Tracked> Live = new();
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    static RunProcesses()
    {
        // The safety net: the assembly teardown normally stopped everything already.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAllAsync().GetAwaiter().GetResult();
    }

    public static string Directory { get; } = CreateDirectory();

    /// <summary>What is recorded of one process: the start time tells it apart from a later process given the same pid.</summary>
    public sealed record Tracked(int Pid, long StartTime, string Stop, string Name);

    /// <summary>Records a process a fixture started; <paramref name="stop"/> is the signal that stops it cleanly (INT: PostgreSQL's fast shutdown).</summary>
    public static void Track(int pid, string name, string stop = "KILL")
    {
        if (!TryTrack(pid, name, stop))
        {
            throw new InvalidOperationException($"{name} (pid {pid}) exited at once");
        }
    }

    /// <summary>Records a process unless it is gone already.</summary>
    public static bool TryTrack(int pid, string name, string stop = "KILL")
    {
        if (StartTime(pid) is not { } startTime)
        {
            return false;
        }

        var tracked = new Tracked(pid, startTime, stop, name);
        Live[pid] = tracked;
        File.WriteAllText(PidFile(pid), JsonSerializer.Serialize(tracked, JsonSerializerOptions.Web));
        return true;
    }

    /// <summary>Records every process descending from <paramref name="ancestor"/> that is not recorded yet (a browser's children, say).</summary>
    public static void TrackDescendants(int ancestor, string name)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Stat(pid) is { } stat)
            {
                parents[pid] = int.Parse(stat[1], CultureInfo.InvariantCulture);
            }
        }

        foreach (var (pid, _) in parents)
        {
            var parent = pid;
            while (parents.TryGetValue(parent, out var next) && next != ancestor && next > 1)
            {
                parent = next;
            }

            if (parents.TryGetValue(parent, out var top) && top == ancestor && !Live.ContainsKey(pid))
            {
                TryTrack(pid, name);
            }
        }
    }

    /// <summary>Finds the pid a new child of this process got (the Playwright driver, say) by comparing with the children before.</summary>
    public static IReadOnlySet<int> Children()
    {
        var self = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var children = new HashSet<int>();
        foreach (var directory in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Stat(pid) is { } stat && stat[1] == self)
            {
                children.Add(pid);
            }
        }

        return children;
    }

    /// <summary>
    /// Stops one recorded process and forgets it: after <paramref name="grace"/> to exit by itself (a driver whose
    /// client has gone), its clean signal, then KILL after a timeout.
    /// </summary>
    public static async Task StopAsync(int pid, TimeSpan grace = default)
    {
        if (Live.TryGetValue(pid, out var tracked))
        {
            await WaitForExitAsync(tracked, grace);
            await StopAsync(tracked);
        }
    }

    /// <summary>Stops every process still recorded: the end of the test assembly.</summary>
    public static async Task StopAllAsync()
    {
        await Task.WhenAll(Live.Values.Select(StopAsync));
    }

    private static async Task StopAsync(Tracked tracked)
    {
        if (IsAlive(tracked))
        {
            Signal(tracked.Pid, tracked.Stop);
            await WaitForExitAsync(tracked, StopTimeout);
            if (IsAlive(tracked))
            {
                Signal(tracked.Pid, "KILL");
            }
        }

        Forget(tracked.Pid);
    }

    private static async Task WaitForExitAsync(Tracked tracked, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (IsAlive(tracked) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>Forgets a process that has been seen to exit.</summary>
    public static void Forget(int pid)
    {
        Live.TryRemove(pid, out _);
        File.Delete(PidFile(pid));
    }

    public static bool IsAlive(Tracked tracked) => StartTime(tracked.Pid) == tracked.StartTime;

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false, RedirectStandardError = true });
        kill?.WaitForExit();
    }

    /// <summary>The process's start time (clock ticks since boot), or null when it is gone or a zombie.</summary>
    private static long? StartTime(int pid) =>
        Stat(pid) is { } stat && stat[0] != "Z" ? long.Parse(stat[19], CultureInfo.InvariantCulture) : null;

    /// <summary>The fields of /proc/PID/stat after the command name: state, ppid, … (field 3 onwards).</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string PidFile(int pid) => Path.Combine(Directory, pid.ToString(CultureInfo.InvariantCulture) + ".pid");

    private static string CreateDirectory()
    {
        var directory = Environment.GetEnvironmentVariable(RunDirectoryVariable) is { Length: > 0 } run
            ? run
            : Path.Combine(Path.GetTempPath(), "vitrine-tests", "processes");
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }
}
