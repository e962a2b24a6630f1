using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using Vitrine.Tests.Deploy.Crds;

namespace Vitrine.Tests.Deploy;

/// <summary>
/// An overlay of deploy/k8s rendered by `kubectl kustomize` (Debian's kubernetes-client, which `./vitrine test`
/// installs when kubectl is missing) and read back strictly: every document must be a known type — KubernetesClient's
/// models for core objects, the typed CRD models for the operators' — and a field that type does not have fails.
/// </summary>
public sealed class Rendered
{
    /// <summary>apiVersion/kind of the operators' resources → their typed models (core types are KubernetesClient's own).</summary>
    public static readonly IReadOnlyDictionary<string, Type> CustomResources = new Dictionary<string, Type>
    {
        ["postgresql.cnpg.io/v1/Cluster"] = typeof(Cluster),
        ["postgresql.cnpg.io/v1/ScheduledBackup"] = typeof(ScheduledBackup),
        ["postgresql.cnpg.io/v1/Pooler"] = typeof(Pooler),
        ["redis.redis.opstreelabs.in/v1beta2/RedisReplication"] = typeof(RedisReplication),
        ["redis.redis.opstreelabs.in/v1beta2/RedisSentinel"] = typeof(RedisSentinel),
        ["monitoring.coreos.com/v1/ServiceMonitor"] = typeof(ServiceMonitor),
        ["monitoring.coreos.com/v1/PodMonitor"] = typeof(PodMonitor),
        ["monitoring.coreos.com/v1/PrometheusRule"] = typeof(PrometheusRule),
        ["monitoring.coreos.com/v1alpha1/AlertmanagerConfig"] = typeof(AlertmanagerConfig),
        ["external-secrets.io/v1/ExternalSecret"] = typeof(ExternalSecret),
    };

    public static readonly string[] Overlays = ["local-small", "production"];

    private static readonly ConcurrentDictionary<string, Lazy<Task<Rendered>>> Cache = [];

    private Rendered(string overlay, string yaml, IReadOnlyList<object> objects)
    {
        Overlay = overlay;
        Yaml = yaml;
        Objects = objects;
    }

    public string Overlay { get; }

    /// <summary>kubectl's output, as it would be applied.</summary>
    public string Yaml { get; }

    public IReadOnlyList<object> Objects { get; }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public IEnumerable<T> All<T>() => Objects.OfType<T>();

    public T One<T>(string name)
        where T : class
    {
        var found = Objects.OfType<T>().Where(o => NameOf(o) == name).ToList();
        found.Count.ShouldBe(1, $"{typeof(T).Name} {name} in {Overlay}");
        return found[0];
    }

    public static string NameOf(object o) => o switch
    {
        k8s.Models.IMetadata<k8s.Models.V1ObjectMeta> m => m.Metadata.Name,
        Cluster c => c.Metadata.Name,
        ScheduledBackup c => c.Metadata.Name,
        Pooler c => c.Metadata.Name,
        RedisReplication c => c.Metadata.Name,
        RedisSentinel c => c.Metadata.Name,
        ServiceMonitor c => c.Metadata.Name,
        PodMonitor c => c.Metadata.Name,
        PrometheusRule c => c.Metadata.Name,
        AlertmanagerConfig c => c.Metadata.Name,
        ExternalSecret c => c.Metadata.Name,
        _ => throw new InvalidOperationException($"no name for {o.GetType().Name}"),
    };

    /// <summary>The overlay rendered once per test run.</summary>
    public static Task<Rendered> OfAsync(string overlay) =>
        Cache.GetOrAdd(overlay, name => new Lazy<Task<Rendered>>(async () =>
        {
            var yaml = await KustomizeAsync(Path.Combine(RepositoryRoot, "deploy", "k8s", "overlays", name));
            return new Rendered(name, yaml, Parse(yaml));
        })).Value;

    /// <summary>Strict parse: an unknown apiVersion/kind or an unknown field throws.</summary>
    public static IReadOnlyList<object> Parse(string yaml) =>
        KubernetesYaml.LoadAllFromString(yaml, CustomResources.ToDictionary(), strict: true);

    public static async Task<string> KustomizeAsync(string directory)
    {
        var start = new ProcessStartInfo("kubectl", ["kustomize", directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("kubectl is not installed: `./vitrine test` installs Debian's kubernetes-client (or: apt-get install kubernetes-client)", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            process.ExitCode.ShouldBe(0, $"kubectl kustomize {directory}: {await error}");
            return await output;
        }
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Vitrine.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Vitrine.slnx not found above " + AppContext.BaseDirectory);
    }
}
