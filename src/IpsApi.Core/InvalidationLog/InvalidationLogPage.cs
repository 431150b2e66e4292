namespace IpsApi.Core.InvalidationLog;

/// <summary>One page of a company's invalidation log, newest first, and the cursor of the next page (null on the last).</summary>
public sealed record InvalidationLogPage(IReadOnlyList<InvalidationSummary> Items, string? NextCursor);
