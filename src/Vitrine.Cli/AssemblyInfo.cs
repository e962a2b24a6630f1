using System.Runtime.Versioning;

// The CLI drives Debian packages, setpriv and /proc: it runs on Linux only (and says so on other systems).
[assembly: SupportedOSPlatform("linux")]
