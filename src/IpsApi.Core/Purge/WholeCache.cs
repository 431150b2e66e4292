using IpsApi.Core.Companies;

namespace IpsApi.Core.Purge;

/// <summary>
/// A purge of a company's whole cache (scope <c>all</c>): one notification batch without URLs. Where a
/// URL purge names each failed URL, a whole-cache purge names its <see cref="Subject"/>, so that status
/// replies and the invalidation log read <c>varnish: c|5 whole cache: …</c>.
/// </summary>
public static class WholeCache
{
    /// <summary>What a whole-cache purge's failures are reported against, in place of a URL.</summary>
    public static string Subject(int companyId) => $"{CompanyHandle.Format(companyId)} whole cache";

    /// <summary>One failure of the company's whole-cache purge.</summary>
    public static IReadOnlyList<UrlFailure> Failed(int companyId, int code, string reason) =>
        [new UrlFailure(Subject(companyId), code, reason)];
}
