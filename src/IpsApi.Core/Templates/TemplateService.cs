using IpsApi.Contracts;
using IpsApi.Core.Companies;
using IpsApi.Core.Faults;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Persistence;
using IpsApi.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Core.Templates;

/// <summary>
/// A company's CDN invalidation template, for every front end. Reading follows <see cref="CompanySettings.GetAsync"/>:
/// IpsAdmin any company, IpsCompanyAdmin its own; unknown and foreign alike give fault 20000. Changing it is for
/// IpsAdmin and for the IpsCompanyAdmins of that company: the template is the company's own working list (AEM and
/// Dynamic Media Classic let the company's administrators edit it), and it cannot reach beyond the company, because
/// every URL it yields still has to pass the company's URL rules when it is used. Every other role gets 20003.
/// </summary>
public sealed class TemplateService(IpsDbContext db, CompanyCache companies, InvalidationService invalidations)
{
    /// <summary>The operation name a refused role is told about (fault 20003).</summary>
    public const string ChangeOperation = "setCdnInvalidationTemplate";

    /// <summary>Whether a user of <paramref name="role"/> may change a template of a company they may read.</summary>
    public static bool MayChange(Role role) => CompanyAccess.MayCallOperations(role);

    /// <summary>The template's text as saved, or null when the company has none.</summary>
    public async Task<string?> GetAsync(Caller caller, string? companyHandle, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var company = await CompanyAccess.RequireCompanyAsync(db, companies, caller.User, companyHandle, ct);
        return await db.Companies.AsNoTracking().Where(c => c.Id == company.Id).Select(c => c.InvalidationTemplate).SingleAsync(ct);
    }

    /// <summary>
    /// Saves the template (line endings made <c>\n</c>); null, empty or only blank lines removes it. Refused with fault
    /// 30001 when it is longer than <see cref="InvalidationTemplate.MaxLength"/> or a line has no <c>&lt;ID&gt;</c>.
    /// </summary>
    public async Task SetAsync(Caller caller, string? companyHandle, string? text, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var company = await CompanyAccess.RequireCompanyAsync(db, companies, caller.User, companyHandle, ct);
        if (!MayChange(caller.User.Role))
        {
            throw new IpsFaultException(IpsFault.NoOperationPermission(caller.User.Role.ToString(), ChangeOperation));
        }

        var normalised = text?.ReplaceLineEndings("\n");
        var lines = InvalidationTemplate.Parse(normalised);
        var stored = lines.Count == 0 ? null : normalised;
        await db.Companies.Where(c => c.Id == company.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(c => c.InvalidationTemplate, stored), ct);
    }

    /// <summary>
    /// The URLs the template yields for the assets, each once, in order (asset by asset, line by line): checked as an
    /// invalidation request would be (the 1,000 cap and the URL rules, a refusal naming the template line and asset).
    /// No template: fault 30002 "Failed to retrieve URLs for selected assets."
    /// </summary>
    public Task<IReadOnlyList<string>> ExpandAsync(Caller caller, string? companyHandle, IReadOnlyList<string> assetIds, CancellationToken ct) =>
        ExpandThroughAsync(caller, companyHandle, assetIds, draft: null, ct);

    /// <summary>
    /// As <see cref="ExpandAsync"/>, with <paramref name="text"/> in place of the saved template: what a template being
    /// edited would yield, checked as <see cref="SetAsync"/> and a request would check it (length, <c>&lt;ID&gt;</c> on
    /// every line, the URL rules). Nothing is stored; whoever may read the company's template may preview it.
    /// </summary>
    public Task<IReadOnlyList<string>> PreviewAsync(Caller caller, string? companyHandle, string? text, IReadOnlyList<string> assetIds, CancellationToken ct) =>
        ExpandThroughAsync(caller, companyHandle, assetIds, draft: () => text?.ReplaceLineEndings("\n"), ct);

    /// <summary>The expansion both serve: the saved template when <paramref name="draft"/> is null, else the draft's text.</summary>
    private async Task<IReadOnlyList<string>> ExpandThroughAsync(
        Caller caller, string? companyHandle, IReadOnlyList<string> assetIds, Func<string?>? draft, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(assetIds);
        CompanyAccess.RequireOperationRole(caller.User, OperationNames.CdnCacheInvalidation);
        var company = await CompanyAccess.RequireCompanyAsync(db, companies, caller.User, companyHandle, ct);
        if (assetIds.Count == 0)
        {
            throw new IpsFaultException(IpsFault.MissingParameter("Failed to retrieve URLs for selected assets. No assets were selected."));
        }

        var distinct = draft is null
            ? await invalidations.CheckUrlsAsync(company, [], [.. assetIds], ct)
            : await invalidations.CheckUrlsAsync(company, [], [.. assetIds], _ => Task.FromResult(draft()), ct);
        return [.. distinct.Select(target => target.Url)];
    }
}
