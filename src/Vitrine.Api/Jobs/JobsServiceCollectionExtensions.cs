using Hangfire;
using Hangfire.Common;
using Hangfire.Dashboard;
using Hangfire.Redis.StackExchange;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Vitrine.Api.Mail;
using Vitrine.Data;
using Vitrine.Data.Model;
using Vitrine.ServiceDefaults;

namespace Vitrine.Api.Jobs;

/// <summary>
/// The seed's BullMQ, in .NET: Hangfire on the durable Redis (noeviction, AOF — a queue on an LRU cache loses jobs).
/// Every API replica runs a job server; recurring jobs are registered once per start (idempotent).
/// </summary>
public static class JobsServiceCollectionExtensions
{
    public const string DashboardPath = "/admin/jobs";

    public static WebApplicationBuilder AddJobs(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<JobOptions>().Bind(builder.Configuration.GetSection(JobOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<MailOptions>().Bind(builder.Configuration.GetSection(MailOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IEmailSender>(sp => string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<MailOptions>>().Value.SmtpHost)
            ? ActivatorUtilities.CreateInstance<PickupDirectorySender>(sp)
            : ActivatorUtilities.CreateInstance<SmtpSender>(sp));
        builder.Services.AddScoped<OrderConfirmationJob>();
        builder.Services.AddScoped<MaintenanceJobs>();
        builder.Services.AddScoped<SalesReport>();

        // The storage is this process's own service, not Hangfire's static JobStorage.Current, so clients, servers and the
        // dashboard all use the one configured here (and two APIs in one test process never cross their queues).
        builder.Services.AddSingleton<JobStorage>(sp => new RedisStorage(
            sp.GetRequiredKeyedService<IConnectionMultiplexer>(RedisConnections.Durable),
            new RedisStorageOptions { Prefix = sp.GetRequiredService<IOptions<JobOptions>>().Value.Prefix }));
        // Likewise the activator: Hangfire's default is the static JobActivator.Current, i.e. whichever app configured last.
        builder.Services.AddSingleton<JobActivator>(sp => new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        builder.Services.AddHangfire(configuration => configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());

        if (builder.Configuration.GetValue(JobOptions.Section + ":" + nameof(JobOptions.RunServer), true))
        {
            builder.Services.AddHangfireServer((sp, server) =>
            {
                var jobs = sp.GetRequiredService<IOptions<JobOptions>>().Value;
                server.WorkerCount = jobs.Workers;
                server.SchedulePollingInterval = TimeSpan.FromSeconds(jobs.PollingSeconds);
                server.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}";
                // Retries with backoff, from configuration; this provider replaces Hangfire's global default of 10 retries.
                server.FilterProvider = new JobFilterCollection
                {
                    new AutomaticRetryAttribute { Attempts = jobs.RetryDelays.Length, DelaysInSeconds = jobs.RetryDelays, OnAttemptsExceeded = AttemptsExceededAction.Fail },
                };
            });
        }

        builder.Services.AddHostedService<RecurringJobRegistration>();
        return builder;
    }

    public static WebApplication MapJobsDashboard(this WebApplication app)
    {
        app.MapHangfireDashboard(DashboardPath, new DashboardOptions
        {
            AsyncAuthorization = [new AdminsOnly()],
            DisplayStorageConnectionString = false,
            DashboardTitle = "Vitrine jobs",
            AppPath = null,
        }).WithSecurityHeadersPolicy(SecurityHeaders.DocsPolicy);
        return app;
    }

    /// <summary>The dashboard is for admins: a bearer token (header, or the admin cookie the Web sets) with the admin role.</summary>
    private sealed class AdminsOnly : IDashboardAsyncAuthorizationFilter
    {
        public async Task<bool> AuthorizeAsync(DashboardContext context)
        {
            var http = context.GetHttpContext();
            var result = await http.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
            return result.Succeeded && result.Principal.IsInRole(Roles.Admin);
        }
    }

    private sealed class RecurringJobRegistration(IRecurringJobManager recurring) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            recurring.AddOrUpdate<MaintenanceJobs>("order-partitions", jobs => jobs.MaintainOrderPartitionsAsync(CancellationToken.None), Cron.Daily(3));
            recurring.AddOrUpdate<MaintenanceJobs>("remove-expired", jobs => jobs.RemoveExpiredAsync(CancellationToken.None), Cron.Hourly(17));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
