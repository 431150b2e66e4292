using System.ComponentModel.DataAnnotations;

namespace IpsApi.Core.Invalidation;

/// <summary>Configuration section <c>Invalidation</c>.</summary>
public sealed class InvalidationOptions : IValidatableObject
{
    public const string Section = "Invalidation";

    /// <summary>The contract's limit on URLs per request (the schema's <c>maxOccurs</c>).</summary>
    public const int MaxUrlsPerRequest = 1000;

    /// <summary>The longest URL accepted, in characters.</summary>
    public const int MaxUrlLength = 2048;

    /// <summary>The most addresses in <c>ccOthersArray</c> (the schema's <c>maxOccurs</c>).</summary>
    public const int MaxEmailAddresses = 5;

    /// <summary>URLs per notification batch (the public service uses 100).</summary>
    [Range(1, MaxUrlsPerRequest, ErrorMessage = "Invalidation:BatchSize must be from {1} to {2}.")]
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// Commits of accepted requests that may be under way at once (see <see cref="GroupCommit"/>). One writer
    /// groups the most requests per commit, which is what a store short of CPU needs: on 2 cores, a second writer
    /// took 1-URL accepts from 1,306 to 991 req/s. More may pay where the store has cores to spare and a slow fsync.
    /// </summary>
    [Range(1, 16, ErrorMessage = "Invalidation:CommitWriters must be from {1} to {2}.")]
    public int CommitWriters { get; set; } = 1;

    /// <summary>
    /// The switch for every company: false refuses every <c>cdnCacheInvalidation</c> call (fault 20009), e.g. while
    /// the CDN is overloaded. Requests already accepted are still purged.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Path prefixes under which a company's root must follow; default <c>/is/image/</c> and <c>/is/content/</c>.</summary>
    public string[]? DeliveryPrefixes { get; set; }

    public IReadOnlyList<string> EffectiveDeliveryPrefixes =>
        DeliveryPrefixes is { Length: > 0 } configured ? configured : ["/is/image/", "/is/content/"];

    /// <summary>
    /// A prefix is a whole path segment or more: without the leading '/' no URL path matches it, and
    /// without the trailing one <c>/is/image</c> would let a root follow <c>/is/imageX</c>.
    /// </summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < (DeliveryPrefixes?.Length ?? 0); i++)
        {
            var prefix = DeliveryPrefixes![i];
            if (prefix is null || prefix.Length < 2 || !prefix.StartsWith('/') || !prefix.EndsWith('/') || prefix.Contains("//", StringComparison.Ordinal)
                || prefix.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '?' or '#' or '%' or '\\'))
            {
                yield return new ValidationResult(
                    $"{Section}:DeliveryPrefixes:{i} must be a path that starts and ends with '/', such as /is/image/, not '{prefix}'.",
                    [nameof(DeliveryPrefixes)]);
            }
        }
    }
}
