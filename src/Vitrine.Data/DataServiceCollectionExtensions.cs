using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Vitrine.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// PostgreSQL through one <see cref="NpgsqlDataSource"/> per process (its pool is the seed's min 2 / max 50)
    /// and a pooled <see cref="VitrineDbContext"/> on top of it.
    /// </summary>
    public static IHostApplicationBuilder AddVitrineData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .Bind(builder.Configuration.GetSection(DatabaseOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<ConnectionStringOptions>()
            .Bind(builder.Configuration.GetSection("ConnectionStrings"))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.AddSingleton(sp =>
        {
            var connectionStrings = sp.GetRequiredService<IOptions<ConnectionStringOptions>>().Value;
            var database = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            return VitrineDataSource.Create(connectionStrings.Postgres!, database);
        });

        builder.Services.AddDbContextPool<VitrineDbContext>((sp, options) =>
            VitrineDataSource.Configure(options, sp.GetRequiredService<NpgsqlDataSource>()));
        builder.Services.AddSingleton<ReadReplicaDatabase>();
        builder.Services.AddSingleton<PrimaryReads>();

        return builder;
    }
}

public static class VitrineDataSource
{
    /// <summary>Builds the process's data source, applying the pool settings unless the connection string sets them.</summary>
    /// <param name="autoPrepare">
    /// Let Npgsql prepare the statements a connection runs repeatedly (unless the connection string says otherwise):
    /// only for a server reached directly, never through PgBouncer's transaction pooling (1.18 has no prepared
    /// statements), which is why the primary's connection string carries <c>Max Auto Prepare=0</c>. The read replica
    /// is reached directly, and planning the order history over every monthly partition is most of its cost.
    /// </param>
    /// <param name="multiplex">
    /// Npgsql multiplexing (unless the connection string says otherwise): concurrent commands share a few connections,
    /// several written in one network write, so both sides pay fewer system calls and wake-ups per query (measured on
    /// the order history from the replica: 2,650 → 4,350 req/s, bench/README.md). Only for a server reached directly:
    /// a pipeline of separate implicit transactions is not something PgBouncer 1.18's transaction pooling tracks.
    /// </param>
    public static NpgsqlDataSource Create(string connectionString, DatabaseOptions options, bool autoPrepare = false, bool multiplex = false)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        var given = new DbConnectionStringKeys(connectionString);
        if (!given.Has("Minimum Pool Size", "MinPoolSize", "Min Pool Size"))
        {
            csb.MinPoolSize = options.MinPoolSize;
        }

        if (!given.Has("Maximum Pool Size", "MaxPoolSize", "Max Pool Size"))
        {
            csb.MaxPoolSize = options.MaxPoolSize;
        }

        csb.ConnectionIdleLifetime = options.ConnectionIdleLifetimeSeconds;
        csb.Timeout = options.ConnectTimeoutSeconds;
        csb.ApplicationName ??= AppDomain.CurrentDomain.FriendlyName;
        if (autoPrepare && !given.Has("Max Auto Prepare", "MaxAutoPrepare"))
        {
            csb.MaxAutoPrepare = 32;
        }

        if (multiplex && !given.Has("Multiplexing"))
        {
            csb.Multiplexing = true;
        }

        var builder = new NpgsqlDataSourceBuilder(csb.ConnectionString);
        return builder.Build();
    }

    /// <param name="retryOnFailure">
    /// Retry transient failures (the primary); off for the read replica, whose callers fall back to the primary instead.
    /// </param>
    public static void Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource, bool retryOnFailure = true) =>
        options.UseNpgsql(dataSource, npgsql =>
            {
                if (retryOnFailure)
                {
                    npgsql.EnableRetryOnFailure(3);
                }
            })
            .UseSnakeCaseNamingConvention()
            // Failed commands are often expected (a unique e-mail, a missing partition) and handled by the caller;
            // the ones that are not reach the global exception handler, which logs them once, as errors.
            .ConfigureWarnings(warnings => warnings.Log(
                (CoreEventId.SaveChangesFailed, LogLevel.Debug),
                (RelationalEventId.CommandError, LogLevel.Debug)));

    private sealed class DbConnectionStringKeys(string connectionString)
    {
        private readonly HashSet<string> keys = connectionString
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2)[0].Trim())
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        public bool Has(params string[] names) => names.Any(keys.Contains);
    }
}
