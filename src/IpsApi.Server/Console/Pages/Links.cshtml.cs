using IpsApi.Core.Faults;
using IpsApi.Core.Invalidation;
using IpsApi.Core.InvalidationLog;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace IpsApi.Server.WebConsole.Pages;

/// <summary>
/// "See links": the URLs of one invalidation with what became of each, and who asked for it, when and with what.
/// The report is the core's (<see cref="CompanyInvalidationLog.ReportAsync"/>, as the JSON API serves it), so the
/// handle is authorised as <c>getCdnCacheInvalidationStatus</c> authorises it (a bogus handle and another company's
/// answer alike, with 404) and each URL's outcome is worked out in one place.
/// </summary>
public sealed class LinksModel(CompanyInvalidationLog log) : PageModel
{
    private IReadOnlyDictionary<string, FailedUrl> failed = new Dictionary<string, FailedUrl>(StringComparer.Ordinal);

    public InvalidationProgress? Progress { get; private set; }

    public InvalidationDetail? Detail { get; private set; }

    public static string Address(string handle) => IpsConsole.Path + "/links" + QueryString.Create("handle", handle);

    /// <summary>Why a URL was not purged, each reason with the provider's code when it gave one; empty unless its batch failed.</summary>
    public IReadOnlyList<string> ReasonsOf(string url) =>
        failed.TryGetValue(url, out var failure)
            ? [.. failure.Reasons.Select(r => r.Code == 0 ? r.Reason : $"{r.Code}: {r.Reason}")]
            : [];

    public async Task<IActionResult> OnGetAsync(string? handle, CancellationToken cancellationToken)
    {
        try
        {
            var report = await log.ReportAsync(ConsoleCaller.From(HttpContext), handle, cancellationToken);
            Progress = report.Progress;
            Detail = report.Detail;
            failed = report.Urls.Failed.GroupBy(f => f.Url, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            return Page();
        }
        catch (IpsFaultException e) when (e.Fault.Code is FaultCodes.InvalidCompany or FaultCodes.NoOperationPermission)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
    }
}
