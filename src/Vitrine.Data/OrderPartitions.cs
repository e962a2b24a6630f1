using Npgsql;

namespace Vitrine.Data;

/// <summary>
/// Monthly partitions of <c>orders</c>. Maintenance is idempotent and safe to run from several processes at once:
/// it takes an advisory lock and creates only the months that are missing. pg_partman is not used: Debian 12 ships
/// its 4.x API, and this one function is all the project needs of it.
/// </summary>
public static class OrderPartitions
{
    /// <summary>How far ahead partitions always exist (the foundation issue: at least 3 months).</summary>
    public const int MonthsAhead = 3;

    /// <summary>How far back partitions are made on a new database, so seeded history has a home.</summary>
    public const int MonthsBack = 24;

    public const string CreateMaintenanceFunctionSql = """
        CREATE OR REPLACE FUNCTION ensure_order_partitions(from_month date, to_month date)
        RETURNS integer
        LANGUAGE plpgsql AS $$
        DECLARE
            month date := date_trunc('month', from_month)::date;
            last_month date := date_trunc('month', to_month)::date;
            partition_name text;
            created integer := 0;
        BEGIN
            PERFORM pg_advisory_xact_lock(hashtext('ensure_order_partitions'));
            WHILE month <= last_month LOOP
                partition_name := format('orders_%s', to_char(month, 'YYYY_MM'));
                IF to_regclass(partition_name) IS NULL THEN
                    EXECUTE format(
                        'CREATE TABLE %I PARTITION OF orders FOR VALUES FROM (%L) TO (%L)',
                        partition_name,
                        month::timestamp AT TIME ZONE 'UTC',
                        (month + interval '1 month')::timestamp AT TIME ZONE 'UTC');
                    created := created + 1;
                END IF;
                month := (month + interval '1 month')::date;
            END LOOP;
            RETURN created;
        END
        $$;
        """;

    public const string DropMaintenanceFunctionSql = "DROP FUNCTION IF EXISTS ensure_order_partitions(date, date);";

    /// <summary>Creates every missing monthly partition from <paramref name="from"/> through <paramref name="to"/>.</summary>
    public static async Task<int> EnsureAsync(NpgsqlDataSource dataSource, DateOnly from, DateOnly to, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("SELECT ensure_order_partitions($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = from });
        command.Parameters.Add(new NpgsqlParameter { Value = to });
        var created = await command.ExecuteScalarAsync(cancellationToken);
        return (int)created!;
    }

    /// <summary>The routine maintenance: history back to <see cref="MonthsBack"/> and <see cref="MonthsAhead"/> months ahead.</summary>
    public static Task<int> MaintainAsync(NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return EnsureAsync(dataSource, today.AddMonths(-MonthsBack), today.AddMonths(MonthsAhead), cancellationToken);
    }
}
