using System.ComponentModel;
using System.Text.Json.Serialization;

namespace IpsApi.Server.Api;

/// <summary>The body of <c>POST /api/v1/companies/{handle}/invalidations</c> (Scaleflex's Invalidation API, with IPS's mail option).</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateInvalidationRequest
{
    /// <summary><c>original</c> (the default): purge the URLs listed. <c>all</c>: purge the company's entire cache; takes no URLs.</summary>
    [Description("original (the default): purge the URLs listed and those of the assets, 1 to 1000, all or nothing. all: purge the company's entire cache on every tier; takes no urls or assetIds.")]
    public string? Scope { get; init; }

    /// <summary>Absolute http(s) URLs under the company's publish hosts and root; query strings are kept.</summary>
    [Description("Absolute http(s) URLs on one of the company's publish hosts, under /is/image/ROOT/ or /is/content/ROOT/; query strings are kept (presets are cache entries of their own).")]
    public IReadOnlyList<string?>? Urls { get; init; }

    /// <summary>Asset IDs whose URLs the company's CDN invalidation template yields; submitted after <see cref="Urls"/>, each URL once.</summary>
    [Description("Asset IDs (e.g. shoe-red): every line of the company's CDN invalidation template, for every asset, is added after urls, each URL once; the whole list obeys the same rules and 1000 cap.")]
    public IReadOnlyList<string?>? AssetIds { get; init; }

    /// <summary>Who is mailed when the purge completes.</summary>
    public EmailConfirmationRequest? EmailConfirmation { get; init; }
}
