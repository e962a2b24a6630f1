using System.Text.Json.Serialization;
using Vitrine.Cli.Stack;

namespace Vitrine.Cli;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(AdminCredentials))]
[JsonSerializable(typeof(StatusReport))]
[JsonSerializable(typeof(Topology))]
internal sealed partial class CliJson : JsonSerializerContext;
