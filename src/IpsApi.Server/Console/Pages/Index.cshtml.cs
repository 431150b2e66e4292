using System.Globalization;
using IpsApi.Contracts;
using IpsApi.Core.Companies;
using IpsApi.Core.Faults;
using IpsApi.Core.Invalidation;
using IpsApi.Core.InvalidationLog;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace IpsApi.Server.WebConsole.Pages;

/// <summary>
/// The landing page, Invalidation: one company's invalidation log, manual and automatic, newest first, a page at a
/// time. Who may read which company is the core's rule (<see cref="CompanySettings"/>, as for the APIs): an unknown
/// company and another company's answer alike, with 404, whatever the address asks for. <b>Retry</b> on a request that
/// ended <c>ERROR</c> or <c>ERROR_CDN_NODE</c> queues its failed batches again, as <c>ipsapi invalidation retry</c> does;
/// the handle posted is authorised again here, whatever the page showed.
/// </summary>
public sealed class IndexModel(CompanySettings companies, InvalidationLogReader log, InvalidationService invalidations) : PageModel
{
    public const int PageSize = 25;

    public IReadOnlyList<Company> Companies { get; private set; } = [];

    public Company? Company { get; private set; }

    public IReadOnlyList<InvalidationSummary> Rows { get; private set; } = [];

    [BindProperty(SupportsGet = true, Name = "status")]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true, Name = "kind")]
    public string? Kind { get; set; }

    [BindProperty(SupportsGet = true, Name = "before")]
    public long? Before { get; set; }

    /// <summary>The request just retried from this page, shown highlighted with a notice.</summary>
    [BindProperty(SupportsGet = true, Name = "retried")]
    public string? Retried { get; set; }

    /// <summary>The request just submitted from Add invalidation, shown highlighted with a notice.</summary>
    [BindProperty(SupportsGet = true, Name = "submitted")]
    public string? Submitted { get; set; }

    /// <summary>Why a retry asked for from this page was refused; null when none was.</summary>
    public string? Problem { get; private set; }

    /// <summary>The id the next (older) page starts below; null on the last page.</summary>
    public long? Older { get; private set; }

    /// <summary>True when the address named a company this user may not see (or none exists by that handle).</summary>
    public bool Missing { get; private set; }

    public bool AnyInFlight => Rows.Any(r => !InvalidationStatus.IsTerminal(r.Status));

    public static IReadOnlyList<string> Statuses => InvalidationLogReader.FilterableStatuses;

    /// <summary>The log of <paramref name="companyHandle"/> with the request just submitted highlighted.</summary>
    public static string SubmittedAddress(string companyHandle, string handle) =>
        IpsConsole.Path + QueryString.Create("company", companyHandle).Add("submitted", handle);

    public bool IsHighlighted(InvalidationSummary row) => row is not null && (row.Handle == Retried || row.Handle == Submitted);

    public static bool MayRetry(InvalidationSummary row) =>
        row?.Status is InvalidationStatus.Error or InvalidationStatus.ErrorCdnNode;

    public async Task<IActionResult> OnPostRetryAsync(string? company, string? handle, CancellationToken cancellationToken)
    {
        var caller = ConsoleCaller.From(HttpContext);
        try
        {
            var retried = await invalidations.RetryAsync(caller, handle, cancellationToken);
            InvalidationHandle.TryParse(retried.InvalidationHandle, out var companyId, out _, out _);
            return Redirect(IpsConsole.Path + QueryString.Create("company", CompanyHandle.Format(companyId)).Add("retried", retried.InvalidationHandle));
        }
        catch (IpsFaultException e) when (e.Fault.Code is FaultCodes.InvalidCompany or FaultCodes.NoOperationPermission)
        {
            Missing = true;
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        catch (IpsFaultException e) when (e.Fault.Code == FaultCodes.InvalidParameter)
        {
            // Done meanwhile, or retried by someone else: say so above the log as it is now.
            Problem = e.Fault.Reason;
            Response.StatusCode = StatusCodes.Status409Conflict;
            Retried = null;
            return await OnGetAsync(company, cancellationToken);
        }
    }

    public async Task<IActionResult> OnGetAsync(string? company, CancellationToken cancellationToken)
    {
        var caller = ConsoleCaller.From(HttpContext);
        if (!CompanyAccess.MayCallOperations(caller.User.Role))
        {
            return Forbid();
        }

        Companies = await companies.ListAsync(caller, cancellationToken);
        if (string.IsNullOrEmpty(company))
        {
            if (Companies.Count == 0)
            {
                return Page();
            }

            company = Companies[0].Handle;
        }

        try
        {
            CompanyAccess.RequireOperationRole(caller.User, OperationNames.GetCdnCacheInvalidationStatus);
            Company = await companies.GetAsync(caller, company, cancellationToken);
        }
        catch (IpsFaultException e) when (e.Fault.Code == FaultCodes.InvalidCompany)
        {
            Missing = true;
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        Status = Statuses.Contains(Status) ? Status : null;
        Kind = Kind is InvalidationKinds.Manual or InvalidationKinds.Automatic ? Kind : null;
        Before = Before > 0 ? Before : null;
        var found = await log.ListAsync(new InvalidationLogFilter(Company.Id, Status, Kind, Limit: PageSize + 1, BeforeId: Before), cancellationToken);
        Rows = [.. found.Take(PageSize)];
        if (found.Count > PageSize && InvalidationHandle.TryParse(Rows[^1].Handle, out _, out var lastId, out _))
        {
            Older = lastId;
        }

        return Page();
    }

    /// <summary>The address of this listing with the same company and filters, starting below <paramref name="before"/>.</summary>
    public string ListingUrl(long? before = null)
    {
        var query = new QueryBuilder();
        foreach (var (name, value) in new[] { ("company", Company?.Handle), ("status", Status), ("kind", Kind), ("before", before?.ToString(CultureInfo.InvariantCulture)) })
        {
            if (!string.IsNullOrEmpty(value))
            {
                query.Add(name, value);
            }
        }

        return IpsConsole.Path + query;
    }
}
