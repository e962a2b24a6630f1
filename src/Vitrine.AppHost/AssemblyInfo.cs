using System.Runtime.Versioning;

// The stack runs real Linux processes (setpriv, Unix sockets and file modes): Linux only, like the CLI.
[assembly: SupportedOSPlatform("linux")]
