using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("Vitrine.Tests.Integration.Infrastructure.RunTestFramework", "Vitrine.Tests.Integration")]

namespace Vitrine.Tests.Integration.Infrastructure;

/// <summary>
/// xunit 2's test framework with an assembly teardown: once every test of the assembly has run, the run's shared
/// servers (<see cref="TestServices"/>) and anything else a fixture left running (<see cref="RunProcesses"/>) are
/// stopped, inside the test run, before the runner reports the assembly finished and tears the test host down.
/// The browser tests use it too (their AssemblyInfo names it).
/// </summary>
public sealed class RunTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName) =>
        new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new AssemblyRunner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class AssemblyRunner(
        ITestAssembly testAssembly, IEnumerable<IXunitTestCase> testCases, IMessageSink diagnosticMessageSink, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
    {
        protected override async Task BeforeTestAssemblyFinishedAsync()
        {
            try
            {
                await TestServices.StopAsync();
                await RunProcesses.StopAllAsync();
            }
            catch (Exception exception)
            {
                // A teardown that cannot stop a server is a failure of the run, not something to hide.
                Aggregator.Add(exception);
            }

            await base.BeforeTestAssemblyFinishedAsync();
        }
    }
}
