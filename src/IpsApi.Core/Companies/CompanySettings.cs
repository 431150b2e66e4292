using IpsApi.Core.Callbacks;
using IpsApi.Core.Faults;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Persistence;
using IpsApi.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Core.Companies;

/// <summary>
/// Adding companies and changing their settings, for every front end (the command line, the web console).
/// Who may: an IpsAdmin changes any company's settings; an IpsCompanyAdmin may read its own companies' settings
/// and change none (spec §4). Values obey <see cref="CompanyRules"/>. Servers see a change within
/// <see cref="CompanyCache.Lifetime"/>.
/// </summary>
public sealed class CompanySettings(IpsDbContext db, CompanyCache companies, TimeProvider clock)
{
    /// <summary>The operation name a refused role is told about (fault 20003).</summary>
    public const string ChangeOperation = "changeCompanySettings";

    public async Task<Company> AddAsync(Caller caller, string? name, string? root, IReadOnlyList<string> publishHosts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(publishHosts);
        RequireChangeRole(caller.User);
        var company = new Company
        {
            Name = CompanyRules.Name(name),
            RootId = CompanyRules.Root(root),
            PublishHosts = [.. publishHosts.Select(CompanyRules.PublishHost).Distinct()],
            CreatedAt = clock.GetUtcNow(),
        };
        if (company.PublishHosts.Count == 0)
        {
            throw new InvalidSettingException("publish-host", "is required: at least one host serves the company's URLs");
        }

        // Roots are unique ignoring case (a unique index on lower(root_id) backs this check): URL
        // paths match roots ignoring case, so 'example' beside 'Example' would share its URLs.
        var lower = company.RootId.ToLowerInvariant();
        if (await db.Companies.AsNoTracking().FirstOrDefaultAsync(c => c.RootId.ToLower() == lower, cancellationToken) is { } existing)
        {
            throw new CompanySettingsException(RootTaken(company.RootId, existing));
        }

        db.Companies.Add(company);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another caller added a clashing root since the check: the unique index refused this one.
            db.ChangeTracker.Clear();
            var added = await db.Companies.AsNoTracking().FirstOrDefaultAsync(c => c.RootId.ToLower() == lower, cancellationToken);
            if (added is null)
            {
                throw;
            }

            throw new CompanySettingsException(RootTaken(company.RootId, added));
        }

        return company;
    }

    /// <summary>The companies the caller may see, by handle.</summary>
    public async Task<IReadOnlyList<Company>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var user = caller.User;
        var visible = user.Role == Role.IpsAdmin ? db.Companies
            : user.Role == Role.IpsCompanyAdmin ? db.Companies.Where(c => user.CompanyIds.Contains(c.Id))
            : db.Companies.Where(_ => false);
        return await visible.AsNoTracking().OrderBy(c => c.Id).ToListAsync(cancellationToken);
    }

    /// <summary>A company's settings, for a caller who may see it; unknown and foreign alike give fault 20000.</summary>
    public async Task<Company> GetAsync(Caller caller, string? handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var id = await RequireVisibleAsync(caller.User, handle, cancellationToken);
        return await db.Companies.AsNoTracking().SingleAsync(c => c.Id == id, cancellationToken);
    }

    public async Task<Company> UpdateAsync(Caller caller, string? handle, CompanyChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(change);
        var company = await FindForChangeAsync(caller, handle, cancellationToken);
        if (change.IsEmpty)
        {
            throw new CompanySettingsException("nothing to change: give at least one setting");
        }

        if (change.RequestsPerMinute is { } perMinute)
        {
            company.RequestsPerMinute = CompanyRules.Limit(perMinute, "requests-per-minute");
        }

        if (change.UrlsPerHour is { } perHour)
        {
            company.UrlsPerHour = CompanyRules.Limit(perHour, "urls-per-hour");
        }

        company.InvalidationEnabled = change.InvalidationEnabled ?? company.InvalidationEnabled;
        company.AllVariants = change.AllVariants ?? company.AllVariants;
        if (change.AkamaiCpCodes is { } codes)
        {
            company.AkamaiCpCodes = codes.Count == 1 && CompanyRules.CpCode(codes[0], alone: true) == 0
                ? []
                : [.. codes.Select(code => CompanyRules.CpCode(code, alone: false)).Distinct()];
        }

        if (change.FastlyServiceId is { } service)
        {
            company.FastlyServiceId = CompanyRules.Token(service, "fastly-service", CompanyRules.MaxFastlyServiceLength);
        }

        if (change.FastlySurrogateKey is { } key)
        {
            company.FastlySurrogateKey = CompanyRules.Token(key, "fastly-surrogate-key", CompanyRules.MaxSurrogateKeyLength);
        }

        if (change.PublishHosts is { } hosts)
        {
            company.PublishHosts = [.. hosts.Select(CompanyRules.PublishHost).Distinct()];
        }

        await db.SaveChangesAsync(cancellationToken);
        return company;
    }

    /// <summary>
    /// Sets the completion callback's URL (null keeps it) and makes a signing secret when asked or when there is
    /// none; returns the new secret, which is shown only then, or null when the secret did not change.
    /// </summary>
    public async Task<(Company Company, string? NewSecret)> SetCallbackAsync(
        Caller caller, string? handle, string? url, bool rotateSecret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var company = await FindForChangeAsync(caller, handle, cancellationToken);
        if (url is not null)
        {
            company.CallbackUrl = CompanyRules.CallbackUrl(url);
        }
        else if (company.CallbackUrl is null)
        {
            throw new CompanySettingsException($"company {company.Handle} has no callback URL: set one with --url URL");
        }

        var newSecret = rotateSecret || string.IsNullOrEmpty(company.CallbackSecret) ? CallbackSecrets.Generate() : null;
        company.CallbackSecret = newSecret ?? company.CallbackSecret;
        await db.SaveChangesAsync(cancellationToken);
        return (company, newSecret);
    }

    /// <summary>
    /// The secret that signs the company's asset-version webhook deliveries: made when there is none or when
    /// <paramref name="rotate"/> asks for a new one (the old one then stops working at once). A key that lets its
    /// holder invalidate, so it is shown only to those who may change the company's settings (IpsAdmin).
    /// </summary>
    public async Task<(Company Company, string Secret, bool IsNew)> WebhookSecretAsync(
        Caller caller, string? handle, bool rotate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var company = await FindForChangeAsync(caller, handle, cancellationToken);
        if (!rotate && !string.IsNullOrEmpty(company.WebhookSecret))
        {
            return (company, company.WebhookSecret, false);
        }

        company.WebhookSecret = CallbackSecrets.Generate();
        await db.SaveChangesAsync(cancellationToken);
        return (company, company.WebhookSecret, true);
    }

    public async Task<Company> RemoveCallbackAsync(Caller caller, string? handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var company = await FindForChangeAsync(caller, handle, cancellationToken);
        company.CallbackUrl = null;
        company.CallbackSecret = null;
        await db.SaveChangesAsync(cancellationToken);
        return company;
    }

    /// <summary>Gives the company a new display name. Its handle and root stay, so its delivery URLs, users and keys are unchanged.</summary>
    public async Task<Company> RenameAsync(Caller caller, string? handle, string? name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var company = await FindForChangeAsync(caller, handle, cancellationToken);
        company.Name = CompanyRules.Name(name);
        await db.SaveChangesAsync(cancellationToken);
        return company;
    }

    /// <summary>What <see cref="RemoveAsync"/> would remove, and the work in flight that would refuse it.</summary>
    public async Task<CompanyFootprint> FootprintAsync(Caller caller, string? handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var company = await FindForChangeAsync(caller, handle, cancellationToken);
        var id = company.Id;
        return new CompanyFootprint(
            company,
            await db.InvalidationRequests.CountAsync(r => r.CompanyId == id, cancellationToken),
            await db.NotificationBatches.CountAsync(
                b => b.CompanyId == id && (b.Status == InvalidationStatus.Received || b.Status == InvalidationStatus.FlushingOrigin || b.Status == InvalidationStatus.FlushingCdn),
                cancellationToken),
            await db.Jobs.CountAsync(j => j.CompanyId == id && j.Status == Jobs.JobStatus.Pending, cancellationToken),
            await db.ApiKeys.CountAsync(k => k.CompanyId == id, cancellationToken),
            await db.Users.CountAsync(u => u.Companies.Any(c => c.Id == id), cancellationToken));
    }

    /// <summary>
    /// Removes the company and everything of it (see <see cref="CompanyFootprint"/>) in one transaction; refused while
    /// it has purge batches or follow-up jobs in flight, which would otherwise be lost half done.
    /// </summary>
    public async Task<CompanyFootprint> RemoveAsync(Caller caller, string? handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var footprint = await FootprintAsync(caller, handle, cancellationToken);
        if (footprint.HasWorkInFlight)
        {
            throw new CompanySettingsException(
                $"company {footprint.Company.Handle} has work in flight ({footprint.InFlightBatches} purge batch(es), {footprint.PendingJobs} follow-up job(s)): "
                + "remove it once 'ipsapi queue list' shows none of its work, or switch its invalidation off first (company update --invalidation disabled)");
        }

        var id = footprint.Company.Id;
        await db.Jobs.Where(j => j.CompanyId == id).ExecuteDeleteAsync(cancellationToken);
        await db.InvalidationRequests.Where(r => r.CompanyId == id).ExecuteDeleteAsync(cancellationToken);
        await db.Companies.Where(c => c.Id == id).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return footprint;
    }

    private async Task<Company> FindForChangeAsync(Caller caller, string? handle, CancellationToken cancellationToken)
    {
        var id = await RequireVisibleAsync(caller.User, handle, cancellationToken);
        RequireChangeRole(caller.User);
        return await db.Companies.SingleAsync(c => c.Id == id, cancellationToken);
    }

    /// <summary>The company's id when the caller may see it: first the same 20000 for unknown and foreign, then the role.</summary>
    private async Task<int> RequireVisibleAsync(AuthenticatedUser user, string? handle, CancellationToken cancellationToken) =>
        (await CompanyAccess.RequireCompanyAsync(db, companies, user, handle, cancellationToken)).Id;

    /// <summary>Whether a role may change companies' settings (only an IpsAdmin); pages use it to offer only what is allowed.</summary>
    public static bool MayChange(Role role) => role == Role.IpsAdmin;

    private static void RequireChangeRole(AuthenticatedUser user)
    {
        if (!MayChange(user.Role))
        {
            throw new IpsFaultException(IpsFault.NoOperationPermission(user.Role.ToString(), ChangeOperation));
        }
    }

    private static string RootTaken(string root, Company existing) =>
        existing.RootId == root
            ? $"a company with root '{root}' exists already ({existing.Handle})"
            : $"root '{root}' clashes with company {existing.Handle}'s root '{existing.RootId}': roots may not differ only in letter case, because URL paths match roots ignoring case";
}
