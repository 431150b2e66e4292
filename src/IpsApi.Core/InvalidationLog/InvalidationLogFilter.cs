namespace IpsApi.Core.InvalidationLog;

/// <summary>
/// Which invalidations a listing shows, newest first: one company's or all, only those of a derived status
/// (spec §7), of a kind (<c>manual</c> or <c>automatic</c>), submitted since an instant; at most
/// <see cref="Limit"/> (1–<see cref="MaxLimit"/>). Null filters nothing.
/// </summary>
public sealed record InvalidationLogFilter(int? CompanyId = null, string? Status = null, string? Kind = null, DateTimeOffset? Since = null, int Limit = InvalidationLogFilter.DefaultLimit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 10_000;
}
