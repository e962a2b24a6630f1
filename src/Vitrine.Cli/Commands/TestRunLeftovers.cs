using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli.Commands;

/// <summary>
/// What a test run left running. The fixtures record every process they start as a pid file (JSON: pid, start time,
/// stop signal, name) in the run directory, and the stack tests record the state directory of every stack they start;
/// after the run, whatever of those is still alive is a leftover: it is stopped, by pid (a stack by `down --purge`),
/// and named. Never by process name or command line: redis-server and postgres rewrite their titles, and other people's
/// servers on this machine look the same.
/// </summary>
internal static class TestRunLeftovers
{
    /// <summary>The environment variable that tells the test processes where the run directory is.</summary>
    public const string RunDirectoryVariable = "VITRINE_TEST_RUN_DIR";

    private sealed record PidFile(int Pid, long StartTime, string Stop, string Name);

    /// <summary>Stops what is left and returns a line for each.</summary>
    public static async Task<List<string>> StopAsync(string runDirectory, string repositoryRoot, CancellationToken cancellationToken)
    {
        var leftovers = new List<string>();
        if (!Directory.Exists(runDirectory))
        {
            return leftovers;
        }

        foreach (var file in Directory.EnumerateFiles(runDirectory, "*.pid"))
        {
            var recorded = JsonSerializer.Deserialize<PidFile>(await File.ReadAllTextAsync(file, cancellationToken), JsonSerializerOptions.Web);
            if (recorded is null || !IsAlive(recorded))
            {
                continue;
            }

            leftovers.Add($"{recorded.Name} (pid {recorded.Pid.ToString(CultureInfo.InvariantCulture)})");
            Signal(recorded.Pid, recorded.Stop);
            if (!await WaitForExitAsync(recorded, TimeSpan.FromSeconds(15), cancellationToken))
            {
                Signal(recorded.Pid, "KILL");
            }
        }

        var stacks = Path.Combine(runDirectory, "stacks");
        foreach (var file in Directory.Exists(stacks) ? Directory.EnumerateFiles(stacks) : [])
        {
            var stateDirectory = (await File.ReadAllTextAsync(file, cancellationToken)).Trim();
            if (!Directory.Exists(stateDirectory))
            {
                continue; // purged by its test: stopped
            }

            var environment = new Dictionary<string, string> { [StackLayout.StateDirectoryVariable] = stateDirectory };
            var vitrine = Path.Combine(repositoryRoot, "vitrine");
            var status = await Shell.RunAsync(vitrine, ["status", "--json"], repositoryRoot, environment, cancellationToken: cancellationToken);
            var running = RunningComponents(status.Output);
            if (running.Count > 0)
            {
                leftovers.Add($"the stack in {stateDirectory} ({string.Join(", ", running)})");
            }

            await Shell.RunAsync(vitrine, ["down", "--purge"], repositoryRoot, environment, cancellationToken: cancellationToken);
        }

        return leftovers;
    }

    /// <summary>The components with a live pid in `status --json` output.</summary>
    private static List<string> RunningComponents(string statusOutput)
    {
        var start = statusOutput.IndexOf('{', StringComparison.Ordinal);
        if (start < 0)
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(statusOutput[start..]);
            return document.RootElement.GetProperty("components").EnumerateArray()
                .Where(c => c.TryGetProperty("pid", out var pid) && pid.ValueKind == JsonValueKind.Number && pid.GetInt32() > 0 && Directory.Exists($"/proc/{pid.GetInt32().ToString(CultureInfo.InvariantCulture)}"))
                .Select(c => $"{c.GetProperty("name").GetString()} pid {c.GetProperty("pid").GetInt32().ToString(CultureInfo.InvariantCulture)}")
                .ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>Alive and the same process: a pid can be reused, its start time (since boot) cannot.</summary>
    private static bool IsAlive(PidFile recorded)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{recorded.Pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields[0] != "Z" && long.Parse(fields[19], CultureInfo.InvariantCulture) == recorded.StartTime;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task<bool> WaitForExitAsync(PidFile recorded, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (IsAlive(recorded))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(100, cancellationToken);
        }

        return true;
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false, RedirectStandardError = true });
        kill?.WaitForExit();
    }
}
