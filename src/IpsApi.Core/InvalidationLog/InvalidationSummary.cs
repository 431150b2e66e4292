namespace IpsApi.Core.InvalidationLog;

/// <summary>One line of the invalidation log: manual and automatic invalidations alike (Scaleflex's log).</summary>
public sealed record InvalidationSummary(
    string Handle,
    string CompanyHandle,
    string Kind,
    string Scope,
    DateTimeOffset SubmittedAt,
    string SubmittedBy,
    int UrlCount,
    string Status);
