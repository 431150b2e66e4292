using IpsApi.Core.Companies;

namespace IpsApi.Core.Invalidation;

/// <summary>One accepted <c>cdnCacheInvalidation</c> call.</summary>
public sealed class InvalidationRequest
{
    public long Id { get; set; }

    public int CompanyId { get; set; }

    public Company? Company { get; set; }

    /// <summary>The unguessable part of the invalidation handle.</summary>
    public required string Token { get; set; }

    public int UrlCount { get; set; }

    public int EstimatedSeconds { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The user who asked; null when the operator submitted it with the <c>ipsapi</c> command.</summary>
    public int? UserId { get; set; }

    /// <summary>Who asked, as the log shows it: the user's address, or <c>cli:</c> and the operator's account.</summary>
    public required string SubmittedBy { get; set; }

    /// <summary><see cref="InvalidationKinds.Manual"/> (someone asked) or <see cref="InvalidationKinds.Automatic"/> (a new asset version).</summary>
    public string Kind { get; set; } = InvalidationKinds.Manual;

    /// <summary><see cref="InvalidationScopes.Urls"/> (the listed URLs) or <see cref="InvalidationScopes.All"/> (the company's entire cache).</summary>
    public string Scope { get; set; } = InvalidationScopes.Urls;

    /// <summary>
    /// Batches not yet settled (<c>Done</c>, <c>ERROR</c> or <c>ERROR_CDN_NODE</c>). Each settling write
    /// decrements it in its own transaction; the one that takes it to 0 settles the request and enqueues
    /// the request's follow-ups (the completion callback), so exactly one write does so. A retry adds back.
    /// </summary>
    public int OpenBatches { get; set; }

    /// <summary>Mail the calling user when the purge completes.</summary>
    public bool EmailCcOriginator { get; set; }

    /// <summary>Up to five further addresses to mail when the purge completes.</summary>
    public List<string> EmailOthers { get; set; } = [];

    public List<NotificationBatch> Batches { get; set; } = [];

    public string Handle => InvalidationHandle.Format(CompanyId, Id, Token);
}
