using System.Runtime.Versioning;

// Each stack test starts a whole stack (two PostgreSQL servers, PgBouncer, two Redis, replicas, nginx, Prometheus):
// one at a time on a two-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// The stack runs on Linux only (see Vitrine.Stack).
[assembly: SupportedOSPlatform("linux")]
