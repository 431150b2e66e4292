namespace IpsApi.Core.Audit;

/// <summary>
/// Which audit records a listing shows, newest first: one company's or all, one user's (by address, any case) or
/// all, since an instant; at most <see cref="Limit"/> (1–<see cref="MaxLimit"/>). Null filters nothing.
/// </summary>
public sealed record AuditFilter(int? CompanyId = null, string? UserEmail = null, DateTimeOffset? Since = null, int Limit = AuditFilter.DefaultLimit)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 10_000;
}
