namespace IpsApi.Core.Companies;

/// <summary>A company: its delivery URLs live under <c>/is/image/{RootId}/</c> on its publish hosts.</summary>
public sealed class Company
{
    public int Id { get; set; }

    public required string Name { get; set; }

    /// <summary>The company's folder name in delivery URLs, e.g. <c>JJEsquire</c>.</summary>
    public required string RootId { get; set; }

    /// <summary>Host names (lower case, optionally with <c>:port</c>) that serve the company's delivery URLs.</summary>
    public List<string> PublishHosts { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Usage rule: accepted invalidation requests per minute (sliding); 0 is unlimited.</summary>
    public int RequestsPerMinute { get; set; }

    /// <summary>Usage rule: URLs accepted for invalidation per hour (sliding); 0 is unlimited.</summary>
    public int UrlsPerHour { get; set; }

    /// <summary>Usage rule: false switches invalidation off for this company (requests are refused).</summary>
    public bool InvalidationEnabled { get; set; } = true;

    /// <summary>
    /// Smart Imaging semantics: purging a URL also clears every query variant of its path on the origin
    /// (Varnish) tier, so <c>…/shoe</c> clears <c>…/shoe?$PLP$</c> and <c>…/shoe?wid=300</c>.
    /// </summary>
    public bool AllVariants { get; set; }

    /// <summary>Akamai CP codes of the company's content, for a purge of its whole cache (scope <c>all</c>).</summary>
    public List<int> AkamaiCpCodes { get; set; } = [];

    /// <summary>The company's own Fastly service, purged whole by a purge of scope <c>all</c>.</summary>
    public string? FastlyServiceId { get; set; }

    /// <summary>On a Fastly service shared with others: the surrogate key tagging only this company's objects.</summary>
    public string? FastlySurrogateKey { get; set; }

    /// <summary>Where a signed JSON <c>POST</c> goes when one of the company's invalidations settles; null for none.</summary>
    public string? CallbackUrl { get; set; }

    /// <summary>The HMAC-SHA256 key that signs the company's callbacks (<c>X-IpsApi-Signature</c>).</summary>
    public string? CallbackSecret { get; set; }

    /// <summary>
    /// The CDN invalidation template: one URL per line with <c>&lt;ID&gt;</c> where an asset ID goes
    /// (<see cref="Templates.InvalidationTemplate"/>); null for none.
    /// </summary>
    public string? InvalidationTemplate { get; set; }

    /// <summary>
    /// The HMAC-SHA256 key the company's asset-version webhook deliveries are signed with (<c>X-IpsApi-Signature</c>);
    /// kept as issued, because verifying a signature needs the key itself. Null until one is made.
    /// </summary>
    public string? WebhookSecret { get; set; }

    public string Handle => CompanyHandle.Format(Id);
}
