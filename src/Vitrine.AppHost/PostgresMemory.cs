using System.Globalization;

namespace Vitrine.AppHost;

/// <summary>
/// deploy/postgres/postgresql.conf carries the seed's memory settings for a 4 GB database host. On a smaller host
/// (per server: the local stack runs a primary and a replica, so each counts half the host) they are scaled by the
/// usual rule:
/// shared_buffers 25 %, effective_cache_size 75 %, maintenance_work_mem 6 % (64 MB at least),
/// work_mem = (memory − shared_buffers) / (max_connections × 3) (1 MB at least). On 4 GB and more: no overrides.
/// </summary>
public static class PostgresMemory
{
    private const long SeedHostBytes = 4L << 30;
    private const int MaxConnections = 500;

    public static string[] Overrides(long hostBytes, int servers)
    {
        var perServer = hostBytes / Math.Max(1, servers);
        if (perServer >= SeedHostBytes)
        {
            return [];
        }

        var sharedBuffers = perServer / 4;
        string Megabytes(long bytes, long minimumMegabytes) =>
            Math.Max(minimumMegabytes, bytes >> 20).ToString(CultureInfo.InvariantCulture) + "MB";
        return
        [
            "-c", "shared_buffers=" + Megabytes(sharedBuffers, 32),
            "-c", "effective_cache_size=" + Megabytes(perServer * 3 / 4, 64),
            "-c", "maintenance_work_mem=" + Megabytes(perServer * 6 / 100, 64),
            "-c", "work_mem=" + Megabytes((perServer - sharedBuffers) / (MaxConnections * 3), 1),
        ];
    }

    /// <summary>MemTotal from /proc/meminfo (long.MaxValue when it cannot be read, which means "no overrides").</summary>
    public static long HostBytes()
    {
        try
        {
            var line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            var kilobytes = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            return kilobytes is null ? long.MaxValue : long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return long.MaxValue;
        }
    }
}
