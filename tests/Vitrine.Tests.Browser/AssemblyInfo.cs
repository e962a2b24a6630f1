// The integration tests' framework: once every browser test has run, the run's servers are stopped by pid
// (Vitrine.Tests.Integration.Infrastructure.RunTestFramework).
[assembly: TestFramework("Vitrine.Tests.Integration.Infrastructure.RunTestFramework", "Vitrine.Tests.Integration")]
