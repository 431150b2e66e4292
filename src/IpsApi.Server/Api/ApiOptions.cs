using System.ComponentModel.DataAnnotations;
using IpsApi.Core.Invalidation;

namespace IpsApi.Server.Api;

/// <summary>Configuration section <c>Api</c>: the JSON API under <c>/api/v1</c>.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Room per URL for its quotes and comma.</summary>
    public const int JsonPerUrl = 3;

    /// <summary>Room for the other members (scope, emailConfirmation, whitespace) and for URLs a client escapes in part.</summary>
    public const int BodyAllowance = 64 * 1024;

    /// <summary>
    /// The default body limit of a JSON request: 1,000 URLs of 2,048 characters, each written as it is between its
    /// quotes, plus 64 KiB: 2,116,536 bytes. A larger body is refused with 413 while it is read, never buffered whole.
    /// </summary>
    public const long DefaultMaxRequestBodyBytes =
        (long)InvalidationOptions.MaxUrlsPerRequest * (InvalidationOptions.MaxUrlLength + JsonPerUrl) + BodyAllowance;

    [Range(4096, 64L * 1024 * 1024, ErrorMessage = "Api:MaxRequestBodyBytes must be from {1} to {2}.")]
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;
}
