using IpsApi.Core.Faults;
using IpsApi.Core.Invalidation;
using IpsApi.Core.InvalidationLog;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace IpsApi.Server.WebConsole.Pages;

/// <summary>
/// "See links": the URLs of one invalidation with what became of each, and who asked for it, when and with what.
/// The handle is authorised as <c>getCdnCacheInvalidationStatus</c> authorises it, so a bogus handle and another
/// company's answer alike, with 404.
/// </summary>
public sealed class LinksModel(InvalidationService invalidations, InvalidationLogReader log) : PageModel
{
    public InvalidationProgress? Progress { get; private set; }

    public InvalidationDetail? Detail { get; private set; }

    public IReadOnlyList<LinkOutcome> Links { get; private set; } = [];

    public static string Address(string handle) => IpsConsole.Path + "/links" + QueryString.Create("handle", handle);

    public async Task<IActionResult> OnGetAsync(string? handle, CancellationToken cancellationToken)
    {
        var caller = ConsoleCaller.From(HttpContext);
        try
        {
            Progress = await invalidations.GetStatusAsync(caller, handle, cancellationToken);
        }
        catch (IpsFaultException e) when (e.Fault.Code is FaultCodes.InvalidCompany or FaultCodes.NoOperationPermission)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        Detail = await log.FindAsync(handle!, cancellationToken);
        if (Detail is null)
        {
            Progress = null;
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        Links = LinkOutcome.From(Detail);
        return Page();
    }
}
