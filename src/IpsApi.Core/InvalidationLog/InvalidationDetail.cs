namespace IpsApi.Core.InvalidationLog;

/// <summary>Everything stored about one invalidation: its batches, their URLs and outcomes, its follow-ups and its audit record.</summary>
public sealed record InvalidationDetail(
    InvalidationSummary Summary,
    string CompanyName,
    int EstimatedSeconds,
    bool EmailCcOriginator,
    IReadOnlyList<string> EmailOthers,
    IReadOnlyList<BatchDetail> Batches,
    IReadOnlyList<FollowUpDetail> FollowUps,
    IReadOnlyList<AuditDetail> Audit);

/// <summary>
/// A notification batch (numbered from 1): its status, the providers that have purged it and what they
/// answered (e.g. Akamai's purgeId, a line each), its URLs and, per URL, why it is retried (the last
/// attempt's reasons) or failed.
/// </summary>
public sealed record BatchDetail(
    int Number,
    string Status,
    int Attempt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? SettlesAt,
    IReadOnlyList<string> DoneProviders,
    IReadOnlyList<string> Receipts,
    IReadOnlyList<UrlFailureDetail> Failures,
    IReadOnlyList<string> Urls);

/// <summary>Why a URL is retried or failed: the provider's code and a reason naming provider and URL; the URL alone when the stored line names it.</summary>
public sealed record UrlFailureDetail(int Code, string Reason, string? Url = null);

/// <summary>
/// A follow-up job of the invalidation (a confirmation mail, a callback): pending, done with a result, or
/// failed with a reason; it follows up one batch (by its number) or, with none, the whole request.
/// </summary>
public sealed record FollowUpDetail(
    string Kind,
    int? BatchNumber,
    string Status,
    int Attempt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? CompletedAt,
    string? Result,
    string? LastError);

/// <summary>What was asked (<c>submit</c> or <c>retry</c>, with what it did), who asked, when, with which application and from where.</summary>
public sealed record AuditDetail(string Action, string? Detail, DateTimeOffset At, string User, string? AppName, string? AppVersion, string? ClientAddress);
