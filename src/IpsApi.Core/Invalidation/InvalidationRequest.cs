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

    public int UserId { get; set; }

    /// <summary>Mail the calling user when the purge completes.</summary>
    public bool EmailCcOriginator { get; set; }

    /// <summary>Up to five further addresses to mail when the purge completes.</summary>
    public List<string> EmailOthers { get; set; } = [];

    public List<NotificationBatch> Batches { get; set; } = [];

    public string Handle => InvalidationHandle.Format(CompanyId, Id, Token);
}
