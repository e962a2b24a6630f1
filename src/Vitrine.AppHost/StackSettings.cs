using System.Globalization;

namespace Vitrine.AppHost;

/// <summary>The stack's layout, written by `./vitrine up` and passed as Vitrine:* configuration.</summary>
public sealed class StackSettings
{
    public string StateDirectory { get; set; } = "";

    public string RepositoryRoot { get; set; } = "";

    public int PostgresPort { get; set; }

    public int RedisCachePort { get; set; }

    public int RedisDurablePort { get; set; }

    public int ApiBasePort { get; set; }

    public int ApiReplicas { get; set; } = 1;

    public int WebBasePort { get; set; }

    public int WebReplicas { get; set; } = 1;

    /// <summary>The real place of .vitrine/postgres (it may be a link to a place the postgres user can reach).</summary>
    public string PostgresDirectory { get; set; } = "";

    public string PostgresDataDirectory => Path.Combine(PostgresDirectory, "data");

    public string PostgresSocketDirectory => Path.Combine(PostgresDirectory, "run");

    public string Deploy(string relativePath) => Path.Combine(RepositoryRoot, "deploy", relativePath);

    public string Directory(string name) => Path.Combine(StateDirectory, name);

    public string Secret(string name) => Path.Combine(StateDirectory, "secrets", name);

    public string ReadSecret(string name) => File.ReadAllText(Secret(name)).Trim();

    public string PidFile(string component) => Path.Combine(StateDirectory, "run", component + ".pid");

    public string PostgresConnectionString(string database = "vitrine") => string.Create(CultureInfo.InvariantCulture,
        $"Host=127.0.0.1;Port={PostgresPort};Username=vitrine;Password={ReadSecret("postgres-password")};Database={database}");

    public static string RedisConnectionString(int port, string? password) =>
        password is null
            ? string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port},password={password}");
}
