using System.Text.Json.Serialization;

namespace Vitrine.Stack;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AdminCredentials))]
[JsonSerializable(typeof(StatusReport))]
[JsonSerializable(typeof(CommandAnswer))]
[JsonSerializable(typeof(StackModel.SavedModel))]
public sealed partial class StackJson : JsonSerializerContext;
