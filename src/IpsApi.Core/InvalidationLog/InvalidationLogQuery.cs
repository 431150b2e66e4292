namespace IpsApi.Core.InvalidationLog;

/// <summary>
/// A listing of one company's log as a caller words it (query-string text, checked by <see cref="CompanyInvalidationLog"/>):
/// a status (spec §7), a kind (<c>manual</c> or <c>automatic</c>), an ISO 8601 instant, the cursor of a previous page,
/// and a page size. Null or empty asks for no filter.
/// </summary>
public sealed record InvalidationLogQuery(string? Status = null, string? Kind = null, string? Since = null, string? Cursor = null, string? Limit = null);
