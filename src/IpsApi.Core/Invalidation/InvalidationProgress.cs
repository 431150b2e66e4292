namespace IpsApi.Core.Invalidation;

/// <summary>The answer to <c>getCdnCacheInvalidationStatus</c>.</summary>
public sealed record InvalidationProgress(
    string Status,
    int EstimatedSeconds,
    int SuccessCount,
    int WarningCount,
    int ErrorCount,
    IReadOnlyList<(int Code, string Reason)> Warnings,
    IReadOnlyList<(int Code, string Reason)> Errors);
