using System.ComponentModel.DataAnnotations;
using IpsApi.Core.Invalidation;

namespace IpsApi.Server.Soap;

/// <summary>Configuration section <c>Soap</c>.</summary>
public sealed class SoapEndpointOptions : IValidatableObject
{
    public const string Section = "Soap";
    public const string ServicePath = "/scene7/services/IpsApiService";
    public const string WebServicePath = "/scene7/webservice";

    /// <summary>Room per URL for its <c>items</c> tags, prefixes and indentation.</summary>
    public const int MarkupPerUrl = 64;

    /// <summary>Room for the envelope, the headers and the other parameters.</summary>
    public const int EnvelopeAllowance = 64 * 1024;

    /// <summary>The default body limit: a request of 1000 URLs of 2048 characters fits, with room for markup, and no more.</summary>
    public const long DefaultMaxRequestBodyBytes =
        (long)InvalidationOptions.MaxUrlsPerRequest * (InvalidationOptions.MaxUrlLength + MarkupPerUrl) + EnvelopeAllowance;

    [Range(4096, 64L * 1024 * 1024, ErrorMessage = "Soap:MaxRequestBodyBytes must be from {1} to {2}.")]
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>
    /// How many levels elements may nest, the Envelope being level 1. A request needs 6 (Envelope, Body, the
    /// operation, emailConfirmation, ccOthersArray, items); the rest is room for headers of other toolkits.
    /// </summary>
    [Range(8, 256, ErrorMessage = "Soap:MaxElementDepth must be from {1} to {2}.")]
    public int MaxElementDepth { get; set; } = DefaultMaxElementDepth;

    public const int DefaultMaxElementDepth = 32;

    /// <summary>
    /// The address clients reach the service at, e.g. <c>https://ips.example.com</c> or <c>https://example.com/ips</c>:
    /// the served WSDL's <c>soap:address</c> and <c>schemaLocation</c>s are built on it, whatever the request's
    /// <c>Host</c> or forwarded headers say. Unset (or empty), they are built from the request.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>
    /// <see cref="PublicBaseUrl"/> as the documents use it: scheme, host, port unless the default, and the path
    /// without its trailing '/' (the document paths are appended to it); null when unset or not a valid one.
    /// </summary>
    public string? PublicBase => ParsePublicBase(PublicBaseUrl);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(PublicBaseUrl) && PublicBase is null)
        {
            // The value is not repeated: a URL may carry credentials.
            yield return new ValidationResult(
                $"{Section}:{nameof(PublicBaseUrl)} must be an absolute http or https URL without user information, query or fragment, "
                + "such as https://ips.example.com or https://example.com/ips.",
                [nameof(PublicBaseUrl)]);
        }
    }

    private static string? ParsePublicBase(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)
            || !Uri.TryCreate(text, UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            || url.UserInfo.Length > 0
            || text.Contains('?', StringComparison.Ordinal)
            || text.Contains('#', StringComparison.Ordinal))
        {
            return null;
        }

        // Uri lower-cases scheme and host, drops a default port and percent-encodes what a URL may not carry as it is.
        return url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped).TrimEnd('/');
    }
}
