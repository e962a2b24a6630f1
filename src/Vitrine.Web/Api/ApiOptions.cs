using System.ComponentModel.DataAnnotations;

namespace Vitrine.Web.Api;

/// <summary>Where the Web finds the API (Api:BaseUrl, server to server) and where browsers find its images.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>The API as the Web replicas reach it, e.g. http://127.0.0.1:5101 (Api__BaseUrl).</summary>
    [Required(ErrorMessage = "Api:BaseUrl is required (the API's address, e.g. http://127.0.0.1:5101).")]
    [Url(ErrorMessage = "Api:BaseUrl must be an absolute http(s) URL.")]
    public string? BaseUrl { get; set; }

    /// <summary>
    /// The origin browsers load /images/… from. Empty (the default) means this origin: behind the load balancer, which
    /// routes /images/* to the API. Tests without a load balancer set it to the API's own address.
    /// </summary>
    public string PublicBaseUrl { get; set; } = "";
}
