using System.Runtime.Versioning;

// The local stack runs on Linux only: Unix file modes for its secrets, a Unix socket to its AppHost.
[assembly: SupportedOSPlatform("linux")]
