using System.Globalization;
using IpsApi.Core.Companies;
using IpsApi.Core.Faults;
using IpsApi.Core.Templates;
using IpsApi.Server.Http;
using Microsoft.AspNetCore.Mvc;

namespace IpsApi.Server.WebConsole.Pages;

/// <summary>
/// The company's CDN invalidation template, as AEM's template editor: the text with a live count against
/// <see cref="InvalidationTemplate.MaxLength"/> characters, <b>Save</b>, and a preview of the URLs the text in the box
/// yields for one asset ID, before it is saved (or, from an address with <c>asset</c>, the saved template's). Every rule is the core's (<see cref="TemplateService"/>): the same length and
/// <c>&lt;ID&gt;</c> checks, in the same words, and the same 404 for a company that is not the caller's.
/// </summary>
public sealed class TemplateModel(CompanySettings companies, TemplateService templates) : CompanyPageModel(companies)
{
    public const int MaxLength = InvalidationTemplate.MaxLength;

    /// <summary>The template's text: as saved, or as typed when Save refused it or Preview was asked for.</summary>
    [BindProperty]
    public string? Text { get; set; }

    /// <summary>The asset ID to preview (form field or query string <c>asset</c>).</summary>
    public string? Asset { get; private set; }

    /// <summary>The URLs the template (saved, or in the box: <see cref="PreviewOfDraft"/>) yields for <see cref="Asset"/>, when the preview was asked for and allowed.</summary>
    public IReadOnlyList<string>? Preview { get; private set; }

    /// <summary>Why the preview yields nothing, in the core's words.</summary>
    public string? PreviewProblem { get; private set; }

    /// <summary>The preview is of the text posted from the box (maybe not saved), not of the saved template.</summary>
    public bool PreviewOfDraft { get; private set; }

    public bool MayChange { get; private set; }

    public bool Saved { get; private set; }

    public string? Problem { get; private set; }

    public static string Address(string companyHandle) => IpsConsole.Path + "/template" + QueryString.Create("company", companyHandle);

    public static int LineCount(string? text) => InvalidationTemplate.Parse(text).Count;

    public async Task<IActionResult> OnGetAsync(string? company, string? asset, bool saved, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(company, cancellationToken))
        {
            return NotFoundPage();
        }

        var caller = ConsoleCaller.From(HttpContext);
        Text = await templates.GetAsync(caller, Company!.Handle, cancellationToken);
        Saved = saved;
        if (asset is not null)
        {
            Asset = asset.Trim();
            try
            {
                Preview = await templates.ExpandAsync(caller, Company.Handle, [Asset], cancellationToken);
            }
            catch (IpsFaultException e) when (e.Fault.Code != FaultCodes.Exception && e.Fault.Code != FaultCodes.InvalidCompany)
            {
                PreviewProblem = e.Fault.Reason;
            }
        }

        return Page();
    }

    /// <summary>
    /// Preview from the form: the URLs the text in the box yields for the asset, as typed, whether or not it is saved;
    /// nothing is stored, and the text stays in the box as it was.
    /// </summary>
    public async Task<IActionResult> OnPostPreviewAsync(string? company, string? asset, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(company, cancellationToken))
        {
            return NotFoundPage();
        }

        Asset = (asset ?? "").Trim();
        PreviewOfDraft = true;
        try
        {
            Preview = await templates.PreviewAsync(ConsoleCaller.From(HttpContext), Company!.Handle, Text, [Asset], cancellationToken);
        }
        catch (IpsFaultException e) when (e.Fault.Code == FaultCodes.InvalidCompany)
        {
            return NotFoundPage();
        }
        catch (IpsFaultException e) when (e.Fault.Code != FaultCodes.Exception)
        {
            PreviewProblem = e.Fault.Reason;
        }

        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(string? company, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(company, cancellationToken))
        {
            return NotFoundPage();
        }

        try
        {
            await templates.SetAsync(ConsoleCaller.From(HttpContext), Company!.Handle, Text, cancellationToken);
            return Redirect(Address(Company.Handle) + "&saved=true");
        }
        catch (IpsFaultException e) when (e.Fault.Code == FaultCodes.InvalidCompany)
        {
            return NotFoundPage();
        }
        catch (IpsFaultException e) when (e.Fault.Code != FaultCodes.Exception)
        {
            Problem = e.Fault.Reason;
            Response.StatusCode = IpsProblems.StatusCode(e.Fault);
            return Page();
        }
    }

    public string SavedMessage() => string.Create(CultureInfo.InvariantCulture,
        $"Saved the CDN invalidation template of {Company?.Name}: {LineCount(Text)} line(s).");

    private Task<bool> LoadAsync(string? company, CancellationToken cancellationToken)
    {
        MayChange = TemplateService.MayChange(ConsoleCaller.From(HttpContext).User.Role);
        return LoadCompanyAsync(company, cancellationToken);
    }

}
