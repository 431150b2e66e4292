using IpsApi.Core.Companies;
using IpsApi.Core.Faults;
using IpsApi.Core.Invalidation;
using IpsApi.Server.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace IpsApi.Server.WebConsole.Pages;

/// <summary>
/// Add invalidation, in two steps as on the pages it follows: the scope and the URLs, then a confirm step. Scope
/// <i>Original</i> lists every URL that will be submitted, those typed and those the template yields for the asset IDs, each removable, after the same checks as the APIs (the
/// core's dry run: the same faults, in the same words); <i>All</i> warns that the cache rebuilds and asks for the
/// company root to be typed. Nothing is stored before <b>Submit</b>, which goes through the same core call as SOAP.
/// </summary>
public sealed class AddModel(CompanySettings companies, InvalidationService invalidations) : CompanyPageModel(companies)
{
    public const int MaxUrls = InvalidationOptions.MaxUrlsPerRequest;

    private static readonly char[] Separators = [',', '\n', '\r'];

    [BindProperty]
    public string Scope { get; set; } = InvalidationScopes.Urls;

    /// <summary>What was typed in "URLs": separated by commas or line breaks.</summary>
    [BindProperty]
    public string? UrlsText { get; set; }

    /// <summary>What was typed in "Asset IDs": separated by commas or line breaks, expanded through the company's template on Next.</summary>
    [BindProperty]
    public string? AssetsText { get; set; }

    /// <summary>The URLs on the confirm step that the template yielded rather than were typed.</summary>
    public IReadOnlySet<string> TemplateUrls { get; private set; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The URLs kept on the confirm step.</summary>
    [BindProperty]
    public List<string> Urls { get; set; } = [];

    [BindProperty]
    public string? ConfirmRoot { get; set; }

    public AddStep Step { get; private set; } = AddStep.Enter;

    public string? Problem { get; private set; }

    public static IReadOnlyList<string> Split(string? text) =>
        (text ?? "").Split(Separators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public async Task<IActionResult> OnGetAsync(string? company, CancellationToken cancellationToken) =>
        await LoadCompanyAsync(company, cancellationToken) ? Page() : NotFoundPage();

    public async Task<IActionResult> OnPostNextAsync(string? company, CancellationToken cancellationToken)
    {
        if (!await LoadCompanyAsync(company, cancellationToken))
        {
            return NotFoundPage();
        }

        if (Scope == InvalidationScopes.All)
        {
            Step = AddStep.ConfirmAll;
            return Page();
        }

        Scope = InvalidationScopes.Urls;
        try
        {
            var typed = Split(UrlsText);
            var assets = Split(AssetsText);
            Urls = [.. await invalidations.DryRunAsync(
                ConsoleCaller.From(HttpContext),
                new InvalidationCommand(Company!.Handle, typed, AssetIds: assets.Count == 0 ? null : assets),
                cancellationToken)];
            var typedSet = typed.ToHashSet(StringComparer.Ordinal);
            TemplateUrls = Urls.Where(url => !typedSet.Contains(url)).ToHashSet(StringComparer.Ordinal);
            Step = AddStep.ConfirmUrls;
            return Page();
        }
        catch (IpsFaultException e) when (e.Fault.Code == FaultCodes.InvalidCompany)
        {
            return NotFoundPage();
        }
        catch (IpsFaultException e) when (IsRefusal(e.Fault))
        {
            return Refused(e.Fault, AddStep.Enter);
        }
    }

    public async Task<IActionResult> OnPostSubmitAsync(string? company, CancellationToken cancellationToken)
    {
        if (!await LoadCompanyAsync(company, cancellationToken))
        {
            return NotFoundPage();
        }

        var caller = ConsoleCaller.From(HttpContext);
        try
        {
            if (Scope == InvalidationScopes.All)
            {
                if (!string.Equals(ConfirmRoot?.Trim(), Company!.RootId, StringComparison.Ordinal))
                {
                    Step = AddStep.ConfirmAll;
                    Problem = $"Type the company root, {Company.RootId}, exactly to confirm: nothing was submitted.";
                    Response.StatusCode = StatusCodes.Status400BadRequest;
                    return Page();
                }

                var all = await invalidations.PurgeAllAsync(caller, Company.Handle, cancellationToken);
                return Redirect(IndexModel.SubmittedAddress(Company.Handle, all.InvalidationHandle));
            }

            var accepted = await invalidations.AcceptAsync(caller, new InvalidationCommand(Company!.Handle, Urls), cancellationToken);
            return Redirect(IndexModel.SubmittedAddress(Company.Handle, accepted.InvalidationHandle));
        }
        catch (IpsFaultException e) when (e.Fault.Code == FaultCodes.InvalidCompany)
        {
            return NotFoundPage();
        }
        catch (IpsFaultException e) when (IsRefusal(e.Fault))
        {
            return Refused(e.Fault, Scope == InvalidationScopes.All ? AddStep.ConfirmAll : AddStep.ConfirmUrls);
        }
    }



    /// <summary>A refusal to show on the form (bad URLs, too many, none, a usage limit, invalidation switched off), not the server's failure.</summary>
    private static bool IsRefusal(IpsFault fault) => fault.Code != FaultCodes.Exception;

    private PageResult Refused(IpsFault fault, AddStep step)
    {
        Problem = fault.Reason;
        Step = step;
        Response.StatusCode = IpsProblems.StatusCode(fault);
        return Page();
    }
}
