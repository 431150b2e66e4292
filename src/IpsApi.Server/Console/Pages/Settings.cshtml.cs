using IpsApi.Core;
using IpsApi.Core.ApiKeys;
using IpsApi.Core.Companies;
using IpsApi.Core.Faults;
using IpsApi.Core.Users;
using IpsApi.Server.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace IpsApi.Server.WebConsole.Pages;

/// <summary>
/// A company's settings: usage limits, the invalidation switch, all-variants, the completion callback, the
/// asset-version webhook's secret and the company's API keys. Every rule is the core's: an IpsAdmin changes them
/// (<see cref="CompanySettings"/>, <see cref="ApiKeyRegistry"/>), an IpsCompanyAdmin reads its own companies' settings
/// and is refused every change in the handler too, not only by the page hiding the buttons. A new secret or key is
/// shown once, in the answer to the post that made it (never in a redirect's address; console answers are not cached).
/// </summary>
public sealed class SettingsModel(CompanySettings companies, ApiKeyRegistry apiKeys) : CompanyPageModel(companies)
{
    private readonly CompanySettings settings = companies;

    [BindProperty]
    public int RequestsPerMinute { get; set; }

    [BindProperty]
    public int UrlsPerHour { get; set; }

    [BindProperty]
    public bool InvalidationEnabled { get; set; }

    [BindProperty]
    public bool AllVariants { get; set; }

    [BindProperty]
    public string? CallbackUrl { get; set; }

    [BindProperty]
    public string? KeyName { get; set; }

    /// <summary>Only an IpsAdmin changes settings and manages keys; the page offers nothing it would refuse.</summary>
    public bool MayChange { get; private set; }

    /// <summary>Only an IpsAdmin sees and manages API keys (<see cref="ApiKeyRegistry"/>).</summary>
    public bool MayManageKeys { get; private set; }

    /// <summary>The company's API keys, for a caller who may manage them; null otherwise.</summary>
    public IReadOnlyList<ApiKeyInfo>? Keys { get; private set; }

    /// <summary>What the last post did, in a sentence.</summary>
    public string? Notice { get; private set; }

    /// <summary>Why the last post was refused, in the core's words.</summary>
    public string? Problem { get; private set; }

    /// <summary>Which section the notice or problem belongs to, so it shows next to the form that was sent.</summary>
    public string? Section { get; private set; }

    /// <summary>A secret or key made by the last post: shown this once.</summary>
    public string? NewSecret { get; private set; }

    public static string Address(string companyHandle) => IpsConsole.Path + "/settings" + QueryString.Create("company", companyHandle);

    public async Task<IActionResult> OnGetAsync(string? company, string? saved, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(company, cancellationToken))
        {
            return NotFoundPage();
        }

        ShowValues();
        if (saved == Sections.Limits)
        {
            Answer(Sections.Limits, $"Saved the settings of {Company!.Name}.");
        }

        return Page();
    }

    public Task<IActionResult> OnPostSaveAsync(string? company, CancellationToken cancellationToken) =>
        ChangeAsync(company, Sections.Limits, async (caller, handle) =>
        {
            await settings.UpdateAsync(caller, handle, new CompanyChange
            {
                RequestsPerMinute = RequestsPerMinute,
                UrlsPerHour = UrlsPerHour,
                InvalidationEnabled = InvalidationEnabled,
                AllVariants = AllVariants,
            }, cancellationToken);

            // Post, redirect, get: a reload does not send the form again.
            return Redirect(Address(handle) + "&saved=" + Sections.Limits);
        }, cancellationToken);

    public Task<IActionResult> OnPostCallbackAsync(string? company, CancellationToken cancellationToken) =>
        ChangeAsync(company, Sections.Callback, async (caller, handle) =>
        {
            var (changed, secret) = await settings.SetCallbackAsync(caller, handle, CallbackUrl ?? "", rotateSecret: false, cancellationToken);
            return Answered(changed, Sections.Callback, secret is null
                ? $"Completion callbacks of {changed.Name} now go to {changed.CallbackUrl}; the signing secret is unchanged."
                : $"Completion callbacks of {changed.Name} now go to {changed.CallbackUrl}, signed with this secret:", secret);
        }, cancellationToken);

    public Task<IActionResult> OnPostRotateCallbackSecretAsync(string? company, CancellationToken cancellationToken) =>
        ChangeAsync(company, Sections.Callback, async (caller, handle) =>
        {
            var (changed, secret) = await settings.SetCallbackAsync(caller, handle, url: null, rotateSecret: true, cancellationToken);
            return Answered(changed, Sections.Callback, "A new secret signs the completion callbacks from now on; the old one no longer does:", secret);
        }, cancellationToken);

    public Task<IActionResult> OnPostRemoveCallbackAsync(string? company, CancellationToken cancellationToken) =>
        ChangeAsync(company, Sections.Callback, async (caller, handle) =>
        {
            var changed = await settings.RemoveCallbackAsync(caller, handle, cancellationToken);
            return Answered(changed, Sections.Callback, $"{changed.Name} has no completion callback any more.", secret: null);
        }, cancellationToken);

    public Task<IActionResult> OnPostRotateWebhookSecretAsync(string? company, CancellationToken cancellationToken) =>
        ChangeAsync(company, Sections.Webhook, async (caller, handle) =>
        {
            var (changed, secret, _) = await settings.WebhookSecretAsync(caller, handle, rotate: true, cancellationToken);
            return Answered(changed, Sections.Webhook, "A new secret signs the asset-version webhook from now on; the old one no longer does:", secret);
        }, cancellationToken);

    public Task<IActionResult> OnPostCreateKeyAsync(string? company, CancellationToken cancellationToken) =>
        ChangeAsync(company, Sections.Keys, async (caller, handle) =>
        {
            var created = await apiKeys.CreateAsync(caller, handle, KeyName, cancellationToken);

            // The field is empty again for the next key (the form would otherwise show what was posted).
            KeyName = null;
            ModelState.Remove(nameof(KeyName));
            return await AnsweredWithKeysAsync(Sections.Keys, $"API key \"{created.Info.Name}\" ({created.Info.Prefix}…) was made:", created.Key, cancellationToken);
        }, cancellationToken);

    public Task<IActionResult> OnPostRevokeKeyAsync(string? company, int key, CancellationToken cancellationToken) =>
        ChangeAsync(company, Sections.Keys, async (caller, handle) =>
        {
            // A key is revoked only from the page of its own company (its keys were loaded with it): an edited form
            // names no other company's key. A caller who may not manage keys has none loaded; the core refuses it.
            if (Keys is not null && !Keys.Any(k => k.Id == key))
            {
                return NotFoundPage();
            }

            var (revoked, already) = await apiKeys.RevokeAsync(caller, key.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
            return await AnsweredWithKeysAsync(Sections.Keys, already
                ? $"API key \"{revoked.Name}\" was revoked already."
                : $"API key \"{revoked.Name}\" ({revoked.Prefix}…) is revoked: it authenticates nothing from now on.", null, cancellationToken);
        }, cancellationToken);

    /// <summary>Whether the company has a completion callback's signing secret (the secret itself is never shown again).</summary>
    public bool HasCallbackSecret => !string.IsNullOrEmpty(Company?.CallbackSecret);

    public bool HasWebhookSecret => !string.IsNullOrEmpty(Company?.WebhookSecret);

    /// <summary>Loads the company and runs a change, turning the core's refusals into the page's words and status.</summary>
    private async Task<IActionResult> ChangeAsync(
        string? company, string section, Func<Caller, string, Task<IActionResult>> change, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(company, cancellationToken))
        {
            return NotFoundPage();
        }

        // Only the form that was sent is bound; every other section shows what is stored.
        ShowValues(except: section);
        try
        {
            return await change(ConsoleCaller.From(HttpContext), Company!.Handle);
        }
        catch (IpsFaultException e) when (e.Fault.Code == FaultCodes.InvalidCompany)
        {
            return NotFoundPage();
        }
        catch (IpsFaultException e) when (e.Fault.Code != FaultCodes.Exception)
        {
            return Refused(section, e.Fault.Reason, IpsProblems.StatusCode(e.Fault));
        }
        catch (InvalidSettingException e)
        {
            return Refused(section, e.Message, StatusCodes.Status400BadRequest);
        }
        catch (CompanySettingsException e)
        {
            return Refused(section, e.Message, StatusCodes.Status409Conflict);
        }
    }

    private PageResult Refused(string section, string problem, int status)
    {
        // The form keeps what was typed; the other sections show what is stored (loaded before the change was tried).
        Section = section;
        Problem = problem;
        Response.StatusCode = status;
        return Page();
    }

    private PageResult Answered(Company changed, string section, string notice, string? secret)
    {
        ShowCompany(changed);
        ShowValues();
        Answer(section, notice);
        NewSecret = secret;
        return Page();
    }

    private async Task<IActionResult> AnsweredWithKeysAsync(string section, string notice, string? secret, CancellationToken cancellationToken)
    {
        await ReloadAsync(cancellationToken);
        Answer(section, notice);
        NewSecret = secret;
        return Page();
    }

    private void Answer(string section, string notice)
    {
        Section = section;
        Notice = notice;
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        if (MayManageKeys)
        {
            Keys = await apiKeys.ListAsync(ConsoleCaller.From(HttpContext), Company!.Handle, cancellationToken);
        }
    }

    private async Task<bool> LoadAsync(string? company, CancellationToken cancellationToken)
    {
        var role = ConsoleCaller.From(HttpContext).User.Role;
        MayChange = CompanySettings.MayChange(role);
        MayManageKeys = ApiKeyRegistry.MayManage(role);
        if (!await LoadCompanyAsync(company, cancellationToken))
        {
            return false;
        }

        await ReloadAsync(cancellationToken);
        return true;
    }

    private void ShowValues(string? except = null)
    {
        var company = Company!;
        if (except != Sections.Limits)
        {
            RequestsPerMinute = company.RequestsPerMinute;
            UrlsPerHour = company.UrlsPerHour;
            InvalidationEnabled = company.InvalidationEnabled;
            AllVariants = company.AllVariants;
        }

        if (except != Sections.Callback)
        {
            CallbackUrl = company.CallbackUrl;
        }
    }

    /// <summary>The sections of the page, also the <c>id</c>s of their headings.</summary>
    public static class Sections
    {
        public const string Limits = "invalidation";
        public const string Callback = "callback";
        public const string Webhook = "webhook";
        public const string Keys = "keys";
    }
}
