using System.Runtime.Versioning;

// The deploy tests run Debian's kubectl and test the CLI's capacity arithmetic, which is Linux-only like the CLI.
[assembly: SupportedOSPlatform("linux")]
