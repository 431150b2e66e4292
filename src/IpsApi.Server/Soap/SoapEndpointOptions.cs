using System.ComponentModel.DataAnnotations;
using IpsApi.Core.Invalidation;

namespace IpsApi.Server.Soap;

/// <summary>Configuration section <c>Soap</c>.</summary>
public sealed class SoapEndpointOptions
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
}
