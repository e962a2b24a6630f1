using System.Globalization;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Vitrine.Tests.Deploy.Crds;

namespace Vitrine.Tests.Deploy;

/// <summary>
/// The Kubernetes form carries the same deploy/ files as the local stack and Compose, and the seed's sizes: where
/// kustomize can mount a file it does (the Redis ConfigMaps); where an operator wants the values inline (PostgreSQL,
/// PgBouncer, alert rules, ingress annotations) these tests fail as soon as the two differ.
/// </summary>
public sealed partial class SameSourceTests
{
    // log_destination, logging_collector and shared_preload_libraries are refused by the operator's webhook (FixedConfigurationParameters
    // in pkg/postgres/configuration.go, enforced by internal/webhook/v1/cluster_webhook.go, cloudnative-pg/cloudnative-pg v1.25.4);
    // wal_level is accepted (replica or logical) but left at the operator's default, logical (CnpgConfigurationSettings, same file).
    // archive_mode and archive_command are in that fixed list too: the operator archives WAL with Barman to the Cluster's
    // barmanObjectStore (pgBackRest does it for the local stack and Compose); archive_timeout is the file's.
    // Every other parameter of postgresql.conf is outside that list there.
    private static readonly HashSet<string> ParametersTheOperatorOwns =
        ["wal_level", "log_destination", "logging_collector", "shared_preload_libraries", "archive_mode", "archive_command"];

    // The pgbouncer.ini settings the Pooler writes itself (address, port, socket, files, users, pool_mode as spec.pgbouncer.poolMode)
    // or defaults (auth_type = hba, with its own pg_hba and auth_query): pkg/management/pgbouncer/config/config.go of
    // cloudnative-pg/cloudnative-pg v1.25.4. The rest are all in the webhook's AllowedPgbouncerGenericConfigurationParameters
    // (internal/webhook/v1/pooler_webhook.go, same tag).
    private static readonly HashSet<string> PgBouncerSettingsThePoolerOwns =
        ["listen_addr", "listen_port", "unix_socket_dir", "pidfile", "logfile", "auth_type", "auth_file", "admin_users", "stats_users", "pool_mode"];

    private static string Deploy(string path) => File.ReadAllText(Path.Combine(Rendered.RepositoryRoot, "deploy", path));

    private static Dictionary<string, string> Settings(string text, char comment) =>
        text.Split('\n')
            .Select(line => line.Split(comment)[0].Trim())
            .Where(line => line.Contains('=', StringComparison.Ordinal) && !line.StartsWith('['))
            .Select(line => line.Split('=', 2))
            .Where(pair => pair[0].Trim() != "*")
            .ToDictionary(pair => pair[0].Trim(), pair => pair[1].Trim().Trim('\''));

    [Theory]
    [InlineData("vitrine-redis-cache-config", "redis/redis-cache.conf")]
    [InlineData("vitrine-redis-durable-config", "redis/redis-durable.conf")]
    public async Task RedisConfigMapsAreTheLocalStacksFiles(string configMap, string file)
    {
        var rendered = await Rendered.OfAsync("production");

        rendered.One<V1ConfigMap>(configMap).Data["redis-additional.conf"].ShouldBe(Deploy(file));
        rendered.One<RedisReplication>(configMap.Replace("-config", "", StringComparison.Ordinal)).Spec.RedisConfig!.AdditionalRedisConfig.ShouldBe(configMap);
    }

    [Theory]
    [MemberData(nameof(ManifestTests.Overlays), MemberType = typeof(ManifestTests))]
    public async Task ClusterParametersArePostgresqlConf(string overlay)
    {
        var cluster = (await Rendered.OfAsync(overlay)).All<Cluster>().ShouldHaveSingleItem();
        var expected = Settings(Deploy("postgres/postgresql.conf"), '#').Where(s => !ParametersTheOperatorOwns.Contains(s.Key)).ToDictionary();
        var scaled = overlay == "local-small" ? new[] { "shared_buffers", "effective_cache_size", "maintenance_work_mem" } : [];

        var parameters = cluster.Spec.Postgresql.Parameters.Where(p => !p.Key.StartsWith("pg_stat_statements.", StringComparison.Ordinal)).ToDictionary();

        parameters.Keys.Order().ShouldBe(expected.Keys.Order());
        foreach (var (name, value) in expected.Where(e => !scaled.Contains(e.Key)))
        {
            parameters[name].ShouldBe(value, name);
        }
    }

    [Fact]
    public async Task TheOperatorOwnedParametersAreNamedInTheFile()
    {
        // If postgresql.conf stops setting one of them, the exclusion list above is stale.
        var file = Settings(Deploy("postgres/postgresql.conf"), '#');

        ParametersTheOperatorOwns.ShouldAllBe(p => file.ContainsKey(p));
        (await Rendered.OfAsync("production")).One<Cluster>("vitrine-db").Spec.Postgresql.Parameters.Keys.ShouldNotContain("wal_level");
    }

    [Theory]
    [InlineData("vitrine-db-pooler-rw", "rw")]
    [InlineData("vitrine-db-pooler-ro", "ro")]
    public async Task PoolersArePgBouncerIniInTransactionMode(string name, string type)
    {
        var pooler = (await Rendered.OfAsync("production")).One<Pooler>(name);
        var ini = Settings(Deploy("pgbouncer/pgbouncer.ini"), ';');

        ini["pool_mode"].ShouldBe("transaction");
        pooler.Spec.Pgbouncer.PoolMode.ShouldBe(ini["pool_mode"]);
        pooler.Spec.Type.ShouldBe(type);
        pooler.Spec.Cluster.Name.ShouldBe("vitrine-db");
        pooler.Spec.Pgbouncer.Parameters.ShouldBe(ini.Where(s => !PgBouncerSettingsThePoolerOwns.Contains(s.Key)).ToDictionary(), ignoreOrder: true);
    }

    [Fact]
    public async Task TheClusterIsAPrimaryAndTwoReplicasBackedUpThirtyDaysDaily()
    {
        var rendered = await Rendered.OfAsync("production");
        var cluster = rendered.One<Cluster>("vitrine-db");
        var backup = rendered.All<ScheduledBackup>().ShouldHaveSingleItem();

        cluster.Spec.Instances.ShouldBe(3);
        cluster.Spec.Backup!.RetentionPolicy.ShouldBe("30d");
        cluster.Spec.Backup.BarmanObjectStore!.DestinationPath.ShouldStartWith("s3://");
        cluster.Spec.Backup.BarmanObjectStore.Wal.ShouldNotBeNull();
        backup.Spec.Cluster.Name.ShouldBe("vitrine-db");
        // Six fields, seconds first: once a day.
        backup.Spec.Schedule.Split(' ').ShouldBe(["0", "0", "3", "*", "*", "*"]);
    }

    [Fact]
    public async Task EveryAlertOfAlertsYmlIsInThePrometheusRule()
    {
        var rule = (await Rendered.OfAsync("production")).One<PrometheusRule>("vitrine");
        var alerts = KubernetesYaml.Deserialize<PrometheusRuleSpec>(Deploy("prometheus/alerts.yml"), strict: true);

        alerts.Groups.SelectMany(g => g.Rules).Count(r => r.Alert is not null).ShouldBeGreaterThan(5);
        rule.Spec.Groups.Select(g => g.Name).ShouldBe(alerts.Groups.Select(g => g.Name));
        foreach (var (expected, actual) in alerts.Groups.SelectMany(g => g.Rules).Zip(rule.Spec.Groups.SelectMany(g => g.Rules)))
        {
            var what = expected.Alert ?? expected.Record;
            actual.Alert.ShouldBe(expected.Alert);
            actual.Record.ShouldBe(expected.Record);
            actual.Expr.Trim().ShouldBe(expected.Expr.Trim(), what);
            actual.For.ShouldBe(expected.For, what);
            // kubectl writes map keys sorted: the same entries, in any order.
            Sorted(actual.Labels).ShouldBe(Sorted(expected.Labels), what);
            Sorted(actual.Annotations).ShouldBe(Sorted(expected.Annotations), what);
        }

        rule.Spec.Groups.SelectMany(g => g.Rules).Count().ShouldBe(alerts.Groups.SelectMany(g => g.Rules).Count());
    }

    [Fact]
    public async Task TheIngressCarriesNginxConfsLimits()
    {
        var rendered = await Rendered.OfAsync("production");
        var nginx = Deploy("nginx/nginx.conf");
        var rate = int.Parse(RateLimit().Match(nginx).Groups[1].Value, CultureInfo.InvariantCulture);
        var burst = int.Parse(Burst().Match(nginx).Groups[1].Value, CultureInfo.InvariantCulture);
        var body = BodySize().Match(nginx).Groups[1].Value;
        var api = rendered.One<V1Ingress>("api").Metadata.Annotations;

        rate.ShouldBe(20);
        api["nginx.ingress.kubernetes.io/limit-rps"].ShouldBe(rate.ToString(CultureInfo.InvariantCulture));
        (rate * int.Parse(api["nginx.ingress.kubernetes.io/limit-burst-multiplier"], CultureInfo.InvariantCulture)).ShouldBe(burst);
        api["nginx.ingress.kubernetes.io/proxy-body-size"].ShouldBe(body);
        rendered.One<V1Ingress>("web").Metadata.Annotations["nginx.ingress.kubernetes.io/proxy-body-size"].ShouldBe(body);
        rendered.All<V1Ingress>().Where(i => i.Metadata.Name != "metrics-denied").ShouldAllBe(i => i.Spec.Tls.Count == 1
            && i.Metadata.Annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"] == "true");
        rendered.One<V1Ingress>("metrics-denied").Spec.Rules.Single().Http.Paths.Single().Path.ShouldBe("/metrics");
    }

    [Theory]
    [InlineData("api", "2", "2Gi")]
    [InlineData("web", "1", "1Gi")]
    public async Task ProductionHasTheSeedsSizesAndAutoscaling(string name, string cpu, string memory)
    {
        var rendered = await Rendered.OfAsync("production");
        var container = rendered.One<V1Deployment>(name).Spec.Template.Spec.Containers.Single();
        var hpa = rendered.One<V2HorizontalPodAutoscaler>(name);

        container.Resources.Limits["cpu"].ShouldBe(new ResourceQuantity(cpu));
        container.Resources.Limits["memory"].ShouldBe(new ResourceQuantity(memory));
        hpa.Spec.ScaleTargetRef.Name.ShouldBe(name);
        hpa.Spec.MinReplicas.ShouldBe(3);
        hpa.Spec.MaxReplicas.ShouldBe(20);
        hpa.Spec.Metrics.ShouldHaveSingleItem().Resource.Target.AverageUtilization.ShouldBe(70);
        rendered.One<V1PodDisruptionBudget>(name).Spec.Selector.MatchLabels["app.kubernetes.io/name"].ShouldBe(name);
        rendered.One<V1Deployment>(name).Spec.Template.Spec.TopologySpreadConstraints.Select(t => t.TopologyKey)
            .ShouldBe(["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
        container.VolumeMounts.ShouldContain(m => m.MountPath == "/tmp");
    }

    [Fact]
    public async Task TheMigrationRunsTheCliBeforeTheApi()
    {
        var rendered = await Rendered.OfAsync("production");
        var job = rendered.All<V1Job>().ShouldHaveSingleItem();
        var container = job.Spec.Template.Spec.Containers.Single();

        container.Image.ShouldStartWith("registry.example.com/vitrine/migrate:");
        container.Args.ShouldBe(["migrate", "--state", "/run"]);
        job.Metadata.Annotations["argocd.argoproj.io/hook"].ShouldBe("PreSync");
        job.Spec.Template.Spec.RestartPolicy.ShouldBe("Never");
    }

    [Fact]
    public async Task SecretsAreMountedFromExternalSecretsOfTheSameName()
    {
        var rendered = await Rendered.OfAsync("production");
        var external = rendered.All<ExternalSecret>().ToDictionary(e => e.Spec.Target.Name);
        var mounted = rendered.All<V1Deployment>().Select(d => d.Spec.Template.Spec).Concat(rendered.All<V1Job>().Select(j => j.Spec.Template.Spec))
            .SelectMany(p => p.Volumes).Where(v => v.Secret is not null).Select(v => v.Secret.SecretName).ToList();

        mounted.ShouldBe(["vitrine-api", "vitrine-web", "vitrine-migrate"], ignoreOrder: true);
        mounted.ShouldAllBe(name => external.ContainsKey(name));
        external["vitrine-api"].Spec.Data.Select(d => d.SecretKey).ShouldBe(
            ["ConnectionStrings__Postgres", "ConnectionStrings__PostgresRead", "ConnectionStrings__RedisDurable", "Jwt__SigningKey"]);
    }

    [Fact]
    public async Task TheAlertmanagerConfigRoutesGroupsAndInhibitsAsAlertmanagerYml()
    {
        var config = (await Rendered.OfAsync("production")).One<AlertmanagerConfig>("vitrine").Spec;
        var file = new YamlDotNet.Serialization.DeserializerBuilder()
            .WithNamingConvention(YamlDotNet.Serialization.NamingConventions.UnderscoredNamingConvention.Instance)
            .Build()
            .Deserialize<AlertmanagerFile>(Placeholder().Replace(Deploy("alertmanager/alertmanager.yml"), "placeholder"));

        static string Matchers(IEnumerable<AlertmanagerMatcher>? matchers) =>
            string.Join(", ", (matchers ?? []).Select(m => $"{m.Name}{m.MatchType ?? "="}\"{m.Value}\""));
        static void SameRoute(AlertmanagerRoute actual, AlertmanagerFileRoute expected, string what)
        {
            actual.Receiver.ShouldBe(expected.Receiver, what);
            actual.GroupWait.ShouldBe(expected.GroupWait, what);
            actual.GroupInterval.ShouldBe(expected.GroupInterval, what);
            actual.RepeatInterval.ShouldBe(expected.RepeatInterval, what);
            Matchers(actual.Matchers).ShouldBe(string.Join(", ", expected.Matchers ?? []), what);
            (actual.Routes ?? []).Count.ShouldBe((expected.Routes ?? []).Count, what);
            foreach (var (child, expectedChild) in (actual.Routes ?? []).Zip(expected.Routes ?? []))
            {
                SameRoute(child, expectedChild, $"{what} / {string.Join(", ", expectedChild.Matchers ?? [])}");
            }
        }

        config.Route.ShouldNotBeNull();
        config.Route.GroupBy.ShouldBe(file.Route.GroupBy);
        SameRoute(config.Route, file.Route, "route");
        file.Route.Routes!.Count.ShouldBe(2); // page and ticket

        config.InhibitRules.Count.ShouldBe(file.InhibitRules.Count);
        foreach (var (actual, expected) in config.InhibitRules.Zip(file.InhibitRules))
        {
            Matchers(actual.SourceMatch).ShouldBe(string.Join(", ", expected.SourceMatchers));
            Matchers(actual.TargetMatch).ShouldBe(string.Join(", ", expected.TargetMatchers));
            (actual.Equal ?? []).ShouldBe(expected.Equal ?? []);
        }

        var webhook = config.Receivers.ShouldHaveSingleItem().WebhookConfigs.ShouldNotBeNull().ShouldHaveSingleItem();
        var expectedWebhook = file.Receivers.ShouldHaveSingleItem().WebhookConfigs.ShouldHaveSingleItem();
        config.Receivers[0].Name.ShouldBe(file.Receivers[0].Name);
        webhook.Url.ShouldBe("http://web.vitrine.svc:8080/admin/ops/alerts");
        webhook.SendResolved.ShouldBe(expectedWebhook.SendResolved);
        webhook.MaxAlerts.ShouldBe(expectedWebhook.MaxAlerts);
        webhook.HttpConfig!.Authorization!.Type.ShouldBe(expectedWebhook.HttpConfig.Authorization.Type);

        // The token Alertmanager presents is the one the Web checks: the same key of the Web's own Secret.
        var credentials = webhook.HttpConfig.Authorization.Credentials.ShouldNotBeNull();
        credentials.Name.ShouldBe("vitrine-web");
        credentials.Key.ShouldBe("Ops__AlertWebhookToken");
        var web = (await Rendered.OfAsync("production")).One<ExternalSecret>("vitrine-web");
        web.Spec.Data.Select(d => d.SecretKey).ShouldContain("Ops__AlertWebhookToken");
    }

    private sealed class AlertmanagerFile
    {
        public Dictionary<string, string> Global { get; set; } = [];

        public AlertmanagerFileRoute Route { get; set; } = new();

        public List<AlertmanagerFileInhibitRule> InhibitRules { get; set; } = [];

        public List<AlertmanagerFileReceiver> Receivers { get; set; } = [];
    }

    private sealed class AlertmanagerFileRoute
    {
        public string Receiver { get; set; } = "";

        public List<string>? GroupBy { get; set; }

        public string? GroupWait { get; set; }

        public string? GroupInterval { get; set; }

        public string? RepeatInterval { get; set; }

        public List<string>? Matchers { get; set; }

        public List<AlertmanagerFileRoute>? Routes { get; set; }
    }

    private sealed class AlertmanagerFileInhibitRule
    {
        public List<string> SourceMatchers { get; set; } = [];

        public List<string> TargetMatchers { get; set; } = [];

        public List<string>? Equal { get; set; }
    }

    private sealed class AlertmanagerFileReceiver
    {
        public string Name { get; set; } = "";

        public List<AlertmanagerFileWebhook> WebhookConfigs { get; set; } = [];
    }

    private sealed class AlertmanagerFileWebhook
    {
        public string Url { get; set; } = "";

        public bool SendResolved { get; set; }

        public int MaxAlerts { get; set; }

        public AlertmanagerFileHttpConfig HttpConfig { get; set; } = new();
    }

    private sealed class AlertmanagerFileHttpConfig
    {
        public AlertmanagerFileAuthorization Authorization { get; set; } = new();
    }

    private sealed class AlertmanagerFileAuthorization
    {
        public string Type { get; set; } = "";

        public string CredentialsFile { get; set; } = "";
    }

    [GeneratedRegex(@"\{\{[A-Z_]+\}\}")]
    private static partial Regex Placeholder();

    private static List<KeyValuePair<string, string>> Sorted(Dictionary<string, string>? map) => [.. (map ?? []).OrderBy(e => e.Key, StringComparer.Ordinal)];

    [GeneratedRegex(@"limit_req_zone\s+\S+\s+zone=api:\S+\s+rate=(\d+)r/s")]
    private static partial Regex RateLimit();

    [GeneratedRegex(@"limit_req zone=api burst=(\d+)")]
    private static partial Regex Burst();

    [GeneratedRegex(@"client_max_body_size (\S+);")]
    private static partial Regex BodySize();
}
