using System.Text.Json;
using System.Text.Json.Serialization;
using Vitrine.Api.Accounts;
using Vitrine.Api.Catalog;
using Vitrine.Api.Orders;

namespace Vitrine.Api.Json;

/// <summary>
/// System.Text.Json source generation for what the hot endpoints write: serializers generated at build time instead of
/// built by reflection at run time. First in the resolver chain, so responses keep the Web defaults (camelCase) and
/// every other type still goes through the reflection resolver.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ProductResponse))]
[JsonSerializable(typeof(ProductPage))]
[JsonSerializable(typeof(List<CategoryResponse>))]
[JsonSerializable(typeof(OrderResponse))]
[JsonSerializable(typeof(OrderPage))]
[JsonSerializable(typeof(PlaceOrderRequest))]
[JsonSerializable(typeof(Events.OrderEvent))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(UserResponse))]
internal sealed partial class ApiJson : JsonSerializerContext;
