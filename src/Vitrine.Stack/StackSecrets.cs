using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text.Json;

namespace Vitrine.Stack;

/// <summary>
/// The local stack's generated secrets, under .vitrine/secrets (mode 700, files 600), never in the repository.
/// Generated once; `down` keeps them, `down --purge` wipes them with the data they protect.
/// </summary>
public sealed class StackSecrets(StackLayout layout)
{
    public const string PostgresPassword = "postgres-password";
    public const string RedisDurablePassword = "redis-durable-password";
    public const string RedisDurableConfig = "redis-durable.conf";
    public const string JwtSigningKey = "jwt-signing-key";
    public const string RedisExporterPasswords = "redis-exporter-passwords.json";

    /// <summary>The bearer token Alertmanager presents to the Web's alert receiver (Ops:AlertWebhookToken).</summary>
    public const string AlertWebhookToken = "alert-webhook-token";
    public const string Admin = "admin.json";

    [SupportedOSPlatform("linux")] // Unix file modes
    public void EnsureGenerated()
    {
        Directory.CreateDirectory(layout.SecretsDirectory);
        File.SetUnixFileMode(layout.SecretsDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        WriteIfMissing(PostgresPassword, () => Token(24));
        WriteIfMissing(RedisDurablePassword, () => Token(24));
        WriteIfMissing(RedisDurableConfig, () => $"requirepass {Read(RedisDurablePassword)}\n");
        WriteIfMissing(JwtSigningKey, () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)));
        WriteIfMissing(AlertWebhookToken, () => Token(32));
    }

    public string Read(string name) => File.ReadAllText(layout.Secret(name)).Trim();

    public bool Exists(string name) => File.Exists(layout.Secret(name));

    public AdminCredentials? ReadAdmin() =>
        Exists(Admin) ? JsonSerializer.Deserialize(File.ReadAllText(layout.Secret(Admin)), StackJson.Default.AdminCredentials) : null;

    [SupportedOSPlatform("linux")]
    public void WriteAdmin(AdminCredentials admin) =>
        WriteSecretFile(layout.Secret(Admin), JsonSerializer.Serialize(admin, StackJson.Default.AdminCredentials));

    /// <summary>A URL-safe random token: letters and digits only, so it needs no quoting in any connection string.</summary>
    public static string Token(int bytes) =>
        Convert.ToHexString(RandomNumberGenerator.GetBytes(bytes)).ToLowerInvariant();

    [SupportedOSPlatform("linux")]
    private void WriteIfMissing(string name, Func<string> create)
    {
        var path = layout.Secret(name);
        if (!File.Exists(path))
        {
            WriteSecretFile(path, create());
        }
    }

    [SupportedOSPlatform("linux")]
    public static void WriteSecretFile(string path, string content)
    {
        // Create with 600 before any byte is written, so the secret is never readable by others even briefly.
        using (var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}

public sealed record AdminCredentials(string Email, string Password);
