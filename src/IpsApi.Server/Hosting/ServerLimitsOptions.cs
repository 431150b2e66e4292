using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace IpsApi.Server.Hosting;

/// <summary>
/// Configuration section <c>Kestrel:Limits</c>: the connection and request limits Kestrel enforces before a
/// request reaches the SOAP endpoint, set here on purpose rather than left to Kestrel's defaults. The body
/// limit is not among them: it follows <c>Soap:MaxRequestBodyBytes</c> (see <see cref="ApplyTo"/>).
/// </summary>
public sealed class ServerLimitsOptions : IValidatableObject
{
    public const string Section = "Kestrel:Limits";

    /// <summary>Open connections at once; further ones are closed at once.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Kestrel:Limits:MaxConcurrentConnections must be from {1} to {2}.")]
    public long MaxConcurrentConnections { get; set; } = 1000;

    /// <summary>Bytes of request line and headers together (Kestrel's own default is 32 KiB); more gets 431.</summary>
    [Range(1024, 1024 * 1024, ErrorMessage = "Kestrel:Limits:MaxRequestHeadersTotalSize must be from {1} to {2}.")]
    public int MaxRequestHeadersTotalSize { get; set; } = 16 * 1024;

    /// <summary>Request headers (Kestrel's own default is 100); more gets 431.</summary>
    [Range(8, 1000, ErrorMessage = "Kestrel:Limits:MaxRequestHeaderCount must be from {1} to {2}.")]
    public int MaxRequestHeaderCount { get; set; } = 50;

    /// <summary>How long an idle connection is kept open between requests (Kestrel's own default is 130 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Kestrel:Limits:KeepAliveTimeout must be from {1} to {2}.")]
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a client may take to send the request line and headers (Kestrel's own default is 30 s).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "Kestrel:Limits:RequestHeadersTimeout must be from {1} to {2}.")]
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The slowest a body may arrive, averaged after the grace period; a slower client is cut off with 408.</summary>
    [Required]
    public DataRateOptions MinRequestBodyDataRate { get; set; } = new();

    /// <summary>Not a setting: Kestrel's body limit follows <c>Soap:MaxRequestBodyBytes</c>. Set, it stops the start.</summary>
    public string? MaxRequestBodySize { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxRequestBodySize is not null)
        {
            yield return new ValidationResult(
                "Kestrel:Limits:MaxRequestBodySize is not used: the request body limit is Soap:MaxRequestBodyBytes.",
                [nameof(MaxRequestBodySize)]);
        }

        if (MinRequestBodyDataRate.BytesPerSecond is < 1 or > 1024 * 1024)
        {
            yield return new ValidationResult(
                "Kestrel:Limits:MinRequestBodyDataRate:BytesPerSecond must be from 1 to 1048576.", [nameof(MinRequestBodyDataRate)]);
        }

        if (MinRequestBodyDataRate.GracePeriod < TimeSpan.FromSeconds(1) || MinRequestBodyDataRate.GracePeriod > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult(
                "Kestrel:Limits:MinRequestBodyDataRate:GracePeriod must be from 00:00:01 to 00:05:00.", [nameof(MinRequestBodyDataRate)]);
        }
    }

    /// <summary>
    /// Applies these limits to Kestrel, and a body limit of twice <paramref name="maxRequestBodyBytes"/>: the SOAP
    /// endpoint refuses a body over <c>Soap:MaxRequestBodyBytes</c> with a 413 fault without reading it, and Kestrel
    /// then drains what is left of it, up to this limit, so that a client still sending gets the fault, not a reset.
    /// A longer body ends the connection after the fault.
    /// </summary>
    public void ApplyTo(KestrelServerLimits limits, long maxRequestBodyBytes)
    {
        limits.MaxConcurrentConnections = MaxConcurrentConnections;
        limits.MaxConcurrentUpgradedConnections = MaxConcurrentConnections;
        limits.MaxRequestHeadersTotalSize = MaxRequestHeadersTotalSize;
        limits.MaxRequestHeaderCount = MaxRequestHeaderCount;
        limits.KeepAliveTimeout = KeepAliveTimeout;
        limits.RequestHeadersTimeout = RequestHeadersTimeout;
        limits.MinRequestBodyDataRate = new MinDataRate(MinRequestBodyDataRate.BytesPerSecond, MinRequestBodyDataRate.GracePeriod);
        limits.MaxRequestBodySize = 2 * maxRequestBodyBytes;
    }

    /// <summary><c>Kestrel:Limits:MinRequestBodyDataRate</c>: bytes per second, and the grace period before it is enforced.</summary>
    public sealed class DataRateOptions
    {
        public double BytesPerSecond { get; set; } = 1024;

        public TimeSpan GracePeriod { get; set; } = TimeSpan.FromSeconds(5);
    }
}
