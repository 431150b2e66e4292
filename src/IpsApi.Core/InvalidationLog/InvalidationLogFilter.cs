namespace IpsApi.Core.InvalidationLog;

/// <summary>
/// Which invalidations a listing shows, newest first: one company's or all, only those of a derived status
/// (spec §7), of a kind (<c>manual</c> or <c>automatic</c>), submitted since an instant; at most
/// <see cref="Limit"/> (1–<see cref="MaxLimit"/>); with <see cref="BeforeId"/>, only those older than that request
/// (the keyset a paged listing continues from: ids are handed out as requests are stored). Null filters nothing.
/// </summary>
public sealed record InvalidationLogFilter(
    int? CompanyId = null,
    string? Status = null,
    string? Kind = null,
    DateTimeOffset? Since = null,
    int Limit = InvalidationLogFilter.DefaultLimit,
    long? BeforeId = null)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 10_000;
}
