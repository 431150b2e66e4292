using System.Net.Mail;
using IpsApi.Contracts;
using IpsApi.Core.Companies;
using IpsApi.Core.Faults;
using IpsApi.Core.Persistence;
using IpsApi.Core.Purge;
using IpsApi.Core.Purge.Queue;
using IpsApi.Core.Usage;
using IpsApi.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Invalidation;

/// <summary>Accepts invalidation requests (all or nothing, durably) and reports their status.</summary>
public sealed partial class InvalidationService(
    IpsDbContext db,
    CompanyCache companies,
    BacklogEstimator estimator,
    QueueSignal signal,
    UsageRules usage,
    IOptions<InvalidationOptions> options,
    TimeProvider clock,
    ILogger<InvalidationService> logger,
    PurgeRouting routing,
    IEnumerable<IPurgeProvider> providers,
    Metrics.IpsMetrics metrics,
    GroupCommit groupCommit)
{
    private readonly InvalidationOptions options = options.Value;

    /// <summary>
    /// Checks every URL against the company; on success stores the request, its notification
    /// batches and the audit record in one transaction before answering.
    /// </summary>
    public Task<InvalidationAccepted> AcceptAsync(Caller caller, InvalidationCommand command, CancellationToken cancellationToken) =>
        AcceptAsync(caller, command, null, cancellationToken);

    /// <summary>
    /// <see cref="AcceptAsync(Caller, InvalidationCommand, CancellationToken)"/>, storing <paramref name="delivery"/> (a webhook
    /// delivery, pointed at the new request) in the same transaction, so that its uniqueness guard refuses the request too.
    /// </summary>
    internal Task<InvalidationAccepted> AcceptAsync(Caller caller, InvalidationCommand command, Hooks.HookDelivery? delivery, CancellationToken cancellationToken) =>
        CountedAsync(command.Kind, InvalidationScopes.Urls, delivery is not null, () => StoreNewAsync(caller, command, delivery, cancellationToken));

    /// <summary>
    /// Counts a request's outcome in <c>ipsapi_invalidations_total</c> (and its URLs once accepted), here where every
    /// interface's requests pass: SOAP, the JSON API, the console, the command line and the asset-version hook. A
    /// webhook delivery refused as a replay by the store is the earlier request's, not a new outcome.
    /// </summary>
    private async Task<InvalidationAccepted> CountedAsync(string? kind, string scope, bool isDelivery, Func<Task<InvalidationAccepted>> accept)
    {
        try
        {
            var accepted = await accept();
            metrics.Invalidation(kind, scope, Metrics.InvalidationOutcomes.Accepted, accepted.UrlCount);
            return accepted;
        }
        catch (IpsFaultException e)
        {
            metrics.Invalidation(kind, scope, Metrics.IpsMetrics.OutcomeOf(e.Fault));
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException && !(isDelivery && e is DbUpdateException))
        {
            metrics.Invalidation(kind, scope, Metrics.InvalidationOutcomes.Faulted);
            throw;
        }
    }

    private async Task<InvalidationAccepted> StoreNewAsync(Caller caller, InvalidationCommand command, Hooks.HookDelivery? delivery, CancellationToken cancellationToken)
    {
        var (company, distinct, emailOthers) = await CheckAsync(caller, command, cancellationToken);
        List<string> followUps = command.EmailCcOriginator || emailOthers.Count > 0 ? [Jobs.FollowUpKinds.Mail] : [];
        var now = clock.GetUtcNow();
        var request = new InvalidationRequest
        {
            CompanyId = company.Id,
            Token = InvalidationHandle.NewToken(),
            UrlCount = distinct.Count,
            EstimatedSeconds = await estimator.EstimateAsync(company, distinct.Count, cancellationToken),
            CreatedAt = now,
            UserId = caller.User.StoredId,
            SubmittedBy = caller.User.Email,
            EmailCcOriginator = command.EmailCcOriginator,
            EmailOthers = emailOthers,
            Kind = command.Kind ?? InvalidationKinds.Manual,
        };
        foreach (var (chunk, sequence) in distinct.Chunk(options.BatchSize).Select((chunk, i) => (chunk, i)))
        {
            request.Batches.Add(new NotificationBatch
            {
                CompanyId = company.Id,
                Sequence = sequence,
                Urls = [.. chunk.Select(t => t.Url)],
                // A batch whose URLs all are their own targets (the usual case) keeps them once.
                Targets = chunk.All(t => ReferenceEquals(t.Url, t.Canonical)) ? [] : [.. chunk.Select(t => t.Canonical)],
                UrlCount = chunk.Length,
                NextAttemptAt = now,
                FollowUps = followUps,
            });
        }

        request.OpenBatches = request.Batches.Count;
        if (delivery is not null)
        {
            delivery.CompanyId = company.Id;
            delivery.Request = request;
            db.HookDeliveries.Add(delivery);
        }

        await StoreAsync(company, request, Audited(Audit(caller, AuditActions.Submit, null, now), request), distinct.Count, now, delivery is not null, cancellationToken);
        return new InvalidationAccepted(request.Handle, request.EstimatedSeconds, request.UrlCount);
    }

    /// <summary>
    /// Stores a new request with its batches and audit record in one transaction and wakes the workers. Most go
    /// through <see cref="GroupCommit"/>, sharing a commit with requests accepted at the same time. Two kinds keep a
    /// transaction of their own, on this call's context:
    /// <list type="bullet">
    /// <item>A request with a webhook delivery (already added to the context), whose uniqueness guard must refuse
    /// this request alone.</item>
    /// <item>A request of a company with usage limits: the count and the insert share a transaction serialised per
    /// company, so the last request a limit allows is let through by one accept only, on whichever node; a refusal
    /// rolls back with nothing added. On SQLite that is BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default): the write
    /// lock is taken before the count, so no other writer slips in between.</item>
    /// </list>
    /// </summary>
    private async Task StoreAsync(
        Company company, InvalidationRequest request, AuditRecord audit, int urlCount, DateTimeOffset now, bool withDelivery, CancellationToken cancellationToken)
    {
        // The entities are only added, so there are no changes to detect.
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            if (UsageRules.HasLimits(company))
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await usage.EnforceAsync(company, urlCount, now, cancellationToken);

                // A failed save rolls the whole transaction back: a savepoint would only cost two round trips.
                db.Database.AutoSavepointsEnabled = false;
                Store(request, audit);
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            else if (withDelivery)
            {
                // One SaveChanges is one transaction: request, batches, audit and delivery commit together or not at all.
                Store(request, audit);
                await db.SaveChangesAsync(cancellationToken);
            }
            else
            {
                await groupCommit.StoreAsync(request, audit, cancellationToken);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && StoreFailure.OutcomeUnknown(e))
        {
            // "Not carried out" would be a lie when the commit may have landed; the caller is told the truth,
            // and the workers purge the request if it was stored.
            LogOutcomeUnknown(logger, e, company.RootId, request.Scope, urlCount);
            signal.Announce();
            throw new IpsFaultException(IpsFault.OutcomeUnknown());
        }

        signal.Announce();
    }

    /// <summary>The audit record of <paramref name="action"/> on a request: set its <see cref="AuditRecord.Request"/> (a new one) or its id.</summary>
    private static AuditRecord Audit(Caller caller, string action, string? detail, DateTimeOffset now) => new()
    {
        Action = action,
        Detail = detail,
        UserId = caller.User.StoredId,
        UserEmail = caller.User.Email,
        At = now,
        AppName = Clip(caller.AppName, 200),
        AppVersion = Clip(caller.AppVersion, 100),
        ClientAddress = Clip(caller.ClientAddress, 64),
    };


    /// <summary>
    /// The checks of <see cref="AcceptAsync(Caller, InvalidationCommand, CancellationToken)"/> without storing anything: the URLs that would be submitted
    /// (each once, in the order given), or the fault the request would get.
    /// </summary>
    public async Task<IReadOnlyList<string>> DryRunAsync(Caller caller, InvalidationCommand command, CancellationToken cancellationToken)
    {
        var (_, distinct, _) = await CheckAsync(caller, command, cancellationToken);
        return [.. distinct.Select(target => target.Url)];
    }

    /// <summary>
    /// A purge of the company's whole cache on every tier of its route (scope <c>all</c>), for <c>IpsAdmin</c> and the
    /// company's <c>IpsCompanyAdmin</c>s. Refused with nothing stored when a provider on the route lacks what it needs
    /// (the fault names the setting); otherwise stored like any request, with its audit record, as one batch
    /// without URLs that the workers take through the tiers.
    /// </summary>
    public Task<InvalidationAccepted> PurgeAllAsync(Caller caller, string? companyHandle, CancellationToken cancellationToken) =>
        CountedAsync(InvalidationKinds.Manual, InvalidationScopes.All, false, () => StorePurgeAllAsync(caller, companyHandle, cancellationToken));

    private async Task<InvalidationAccepted> StorePurgeAllAsync(Caller caller, string? companyHandle, CancellationToken cancellationToken)
    {
        CompanyAccess.RequireOperationRole(caller.User, OperationNames.CdnCacheInvalidation);
        var company = await CompanyAccess.RequireCompanyAsync(db, companies, caller.User, companyHandle, cancellationToken);
        // Switched off means every invalidation, this one too; it counts as a request, not as URLs.
        usage.RequireSwitchedOn(company, 0);
        var byName = providers.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var refusals = routing.For(company)
            .SelectMany(tier => tier.Providers)
            .Select(name => byName[name].WholeCacheRefusal(company))
            .OfType<string>()
            .ToList();
        if (refusals.Count > 0)
        {
            throw new IpsFaultException(IpsFault.InvalidParameter(
                $"The whole cache of company {company.Handle} cannot be purged, so nothing was stored: {string.Join("; ", refusals)}."));
        }

        var now = clock.GetUtcNow();
        var request = new InvalidationRequest
        {
            CompanyId = company.Id,
            Token = InvalidationHandle.NewToken(),
            UrlCount = 0,
            EstimatedSeconds = await estimator.EstimateAsync(company, 0, cancellationToken),
            CreatedAt = now,
            UserId = caller.User.StoredId,
            SubmittedBy = caller.User.Email,
            Scope = InvalidationScopes.All,
            OpenBatches = 1,
        };
        request.Batches.Add(new NotificationBatch { CompanyId = company.Id, Sequence = 0, UrlCount = 0, NextAttemptAt = now });
        await StoreAsync(company, request, Audited(Audit(caller, AuditActions.Submit, null, now), request), 0, now, withDelivery: false, cancellationToken);
        LogPurgeAllAccepted(logger, company.Handle, company.RootId, request.Id, caller.User.Email);
        return new InvalidationAccepted(request.Handle, request.EstimatedSeconds, 0);
    }

    /// <summary>Role, company, URLs and addresses: a request that passes these is stored whole; one that fails any gets its fault.</summary>
    private async Task<(Company Company, IReadOnlyList<PurgeTarget> Distinct, List<string> EmailOthers)> CheckAsync(
        Caller caller, InvalidationCommand command, CancellationToken cancellationToken)
    {
        CompanyAccess.RequireOperationRole(caller.User, OperationNames.CdnCacheInvalidation);
        var company = await CompanyAccess.RequireCompanyAsync(db, companies, caller.User, command.CompanyHandle, cancellationToken);

        if (command.Kind is not (null or InvalidationKinds.Manual or InvalidationKinds.Automatic))
        {
            throw new IpsFaultException(IpsFault.InvalidParameter(
                $"The kind of an invalidation is {InvalidationKinds.Manual} or {InvalidationKinds.Automatic}."));
        }

        usage.RequireSwitchedOn(company, command.Urls?.Count ?? 0);
        var distinct = await CheckUrlsAsync(company, command.Urls ?? [], command.AssetIds, cancellationToken);
        return (company, distinct, CheckEmails(command.EmailOthers ?? []));
    }

    /// <summary>
    /// The URLs given, then those the company's template yields for <paramref name="assetIds"/> (each once), checked
    /// as one list against the 1,000 cap and the URL rules; a refusal names the template line and asset of a URL that
    /// came from the template. Returns the purge target of each distinct object, in order.
    /// </summary>
    internal Task<IReadOnlyList<PurgeTarget>> CheckUrlsAsync(
        Company company, IReadOnlyList<string?> urls, IReadOnlyList<string?>? assetIds, CancellationToken cancellationToken) =>
        // Read from the store, not the company cache: a template just saved applies to the next request.
        CheckUrlsAsync(company, urls, assetIds, ct => db.Companies.AsNoTracking().Where(c => c.Id == company.Id).Select(c => c.InvalidationTemplate).SingleOrDefaultAsync(ct), cancellationToken);

    /// <summary>
    /// As <see cref="CheckUrlsAsync(Company, IReadOnlyList{string?}, IReadOnlyList{string?}?, CancellationToken)"/>, with the
    /// template's text from <paramref name="template"/> (read only when there are asset IDs): a draft not saved yet is
    /// checked and expanded exactly as the saved one would be.
    /// </summary>
    internal async Task<IReadOnlyList<PurgeTarget>> CheckUrlsAsync(
        Company company, IReadOnlyList<string?> urls, IReadOnlyList<string?>? assetIds, Func<CancellationToken, Task<string?>> template, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        IReadOnlyList<Templates.ExpandedUrl> expanded = [];
        if (assetIds is { Count: > 0 })
        {
            var ids = Templates.AssetIds.Check(assetIds);
            var text = await template(cancellationToken);
            var lines = Templates.InvalidationTemplate.Parse(text);
            if (lines.Count == 0)
            {
                throw new IpsFaultException(IpsFault.MissingParameter(
                    $"Failed to retrieve URLs for selected assets. Company {company.Handle} has no CDN invalidation template: set one, or list the URLs."));
            }

            expanded = Templates.TemplateExpansion.Expand(company, lines, ids, [.. urls], InvalidationOptions.MaxUrlsPerRequest);
        }

        IReadOnlyList<string?> all = expanded.Count == 0 ? urls : [.. urls, .. expanded.Select(e => e.Url)];
        string? OriginOf(int position) => position > urls.Count ? expanded[position - urls.Count - 1].Origin : null;
        if (all.Count == 0)
        {
            throw new IpsFaultException(IpsFault.MissingParameter("No URLs entered to be invalidated."));
        }

        if (all.Count > InvalidationOptions.MaxUrlsPerRequest)
        {
            throw new IpsFaultException(IpsFault.InvalidParameter(OriginOf(all.Count) is { } origin
                ? $"More than {InvalidationOptions.MaxUrlsPerRequest} URLs: URL {all.Count} ({origin}) is one too many; at most {InvalidationOptions.MaxUrlsPerRequest} may be invalidated in one request."
                : $"{all.Count} URLs entered; at most {InvalidationOptions.MaxUrlsPerRequest} may be invalidated in one request."));
        }

        var (problems, distinct) = UrlRules.Check(all, company, options.EffectiveDeliveryPrefixes);
        if (problems.Count > 0)
        {
            throw new IpsFaultException(IpsFault.InvalidParameter(UrlRules.Describe(problems, all.Count, OriginOf)));
        }

        return distinct;
    }

    private static AuditRecord Audited(AuditRecord audit, InvalidationRequest request)
    {
        audit.Request = request;
        audit.CompanyId = request.CompanyId;
        audit.UrlCount = request.UrlCount;
        return audit;
    }

    private void Store(InvalidationRequest request, AuditRecord audit)
    {
        db.InvalidationRequests.Add(request);
        db.AuditRecords.Add(audit);
    }

    /// <summary>Where a request stands; a bogus handle and a foreign one give the same 20000 fault.</summary>
    public async Task<InvalidationProgress> GetStatusAsync(Caller caller, string? handle, CancellationToken cancellationToken)
    {
        CompanyAccess.RequireOperationRole(caller.User, OperationNames.GetCdnCacheInvalidationStatus);
        var request = InvalidationHandle.TryParse(handle, out var companyId, out var requestId, out var token)
            && CompanyAccess.MayAccess(caller.User, companyId)
            ? await db.InvalidationRequests.AsNoTracking()
                .Where(r => r.Id == requestId && r.CompanyId == companyId)
                .Select(r => new
                {
                    r.Token,
                    r.CreatedAt,
                    r.EstimatedSeconds,
                    Batches = r.Batches.Select(b => new BatchState(b.Status, b.UrlCount, b.LastError, b.LeaseToken, b.NextAttemptAt, b.SettlesAt)).ToList(),
                })
                .SingleOrDefaultAsync(cancellationToken)
            : null;

        if (request is null || !InvalidationHandle.TokenMatches(request.Token, token))
        {
            throw InvalidHandle(handle);
        }

        // A CDN that accepted a purge but said it needs time to spread it is still flushing until then.
        var now = clock.GetUtcNow();
        var statuses = request.Batches
            .Select(b => b.Status == InvalidationStatus.Done && b.SettlesAt > now ? InvalidationStatus.FlushingCdn : b.Status)
            .ToList();
        var status = InvalidationStatus.Derive(statuses);
        var failed = request.Batches.Where(b => b.Status is InvalidationStatus.Error or InvalidationStatus.ErrorCdnNode).ToList();
        var retrying = request.Batches.Where(b => !InvalidationStatus.IsTerminal(b.Status) && b.LastError is not null).ToList();
        return new InvalidationProgress(
            status,
            InvalidationStatus.IsTerminal(status) ? 0 : Remaining(request.CreatedAt, request.EstimatedSeconds, request.Batches, now),
            SuccessCount: request.Batches.Where((b, i) => statuses[i] == InvalidationStatus.Done).Sum(b => b.UrlCount),
            WarningCount: retrying.Sum(b => b.UrlCount),
            ErrorCount: failed.Sum(b => b.UrlCount),
            Warnings: [.. retrying.SelectMany(b => BatchFailures.Parse(b.LastError))],
            Errors: [.. failed.SelectMany(b => BatchFailures.Parse(b.LastError ?? "The purge failed after its retries."))]);
    }

    /// <summary>
    /// Retries a request that ended <c>ERROR</c> or <c>ERROR_CDN_NODE</c>: only its failed batches go back to
    /// the queue, and each keeps the providers that had purged it, so only the providers that failed are called
    /// again. The same handle then reports the new progress. The retry is recorded in the audit with who asked.
    /// A request still in progress, or <c>Done</c>, is refused with 30001; a bogus or foreign handle gets 20000.
    /// </summary>
    public async Task<InvalidationRetried> RetryAsync(Caller caller, string? handle, CancellationToken cancellationToken)
    {
        CompanyAccess.RequireOperationRole(caller.User, OperationNames.CdnCacheInvalidation);
        var request = InvalidationHandle.TryParse(handle, out var companyId, out var requestId, out var token)
            && CompanyAccess.MayAccess(caller.User, companyId)
            ? await db.InvalidationRequests.AsNoTracking()
                .Where(r => r.Id == requestId && r.CompanyId == companyId)
                .Select(r => new { r.Token, r.UrlCount, Batches = r.Batches.Select(b => new { b.Status, b.UrlCount }).ToList() })
                .SingleOrDefaultAsync(cancellationToken)
            : null;
        if (request is null || !InvalidationHandle.TokenMatches(request.Token, token))
        {
            throw InvalidHandle(handle);
        }

        var status = InvalidationStatus.Derive(request.Batches.Select(b => b.Status));
        if (request.Batches.Any(b => !InvalidationStatus.IsTerminal(b.Status)) || status == InvalidationStatus.Done)
        {
            throw new IpsFaultException(IpsFault.InvalidParameter(status == InvalidationStatus.Done && request.Batches.All(b => InvalidationStatus.IsTerminal(b.Status))
                ? $"Invalidation {handle} is Done; there is nothing to retry."
                : $"Invalidation {handle} is still in progress; only a request that ended ERROR or ERROR_CDN_NODE can be retried."));
        }

        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Guarded by the status: of two retries at once, the second finds no failed batch left and is refused.
        var failed = db.NotificationBatches.Where(b => b.RequestId == requestId
            && (b.Status == InvalidationStatus.Error || b.Status == InvalidationStatus.ErrorCdnNode));
        var urls = await failed.SumAsync(b => b.UrlCount, cancellationToken);
        var batches = await failed.ExecuteUpdateAsync(
            set => set
                .SetProperty(b => b.Status, InvalidationStatus.Received)
                .SetProperty(b => b.Attempt, 0)
                .SetProperty(b => b.UnfinishedClaims, 0)
                .SetProperty(b => b.CompletedAt, (DateTimeOffset?)null)
                .SetProperty(b => b.SettlesAt, (DateTimeOffset?)null)
                .SetProperty(b => b.LastError, (string?)null)
                .SetProperty(b => b.NextAttemptAt, now),
            cancellationToken);
        if (batches == 0)
        {
            throw new IpsFaultException(IpsFault.InvalidParameter($"Invalidation {handle} is being retried already."));
        }

        await db.InvalidationRequests.Where(r => r.Id == requestId)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.OpenBatches, r => r.OpenBatches + batches), cancellationToken);
        var retry = Audit(caller, AuditActions.Retry, $"{batches} failed batch(es), {urls} URL(s)", now);
        retry.RequestId = requestId;
        retry.CompanyId = companyId;
        retry.UrlCount = request.UrlCount;
        db.AuditRecords.Add(retry);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signal.Announce();
        LogRetried(logger, handle!, batches, urls, caller.User.Email);
        return new InvalidationRetried(handle!, batches, urls, request.UrlCount);
    }

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Invalidation {Handle}: {Batches} failed batch(es) of {UrlCount} URL(s) retried by {User}")]
    private static partial void LogRetried(ILogger logger, string handle, int batches, int urlCount, string user);

    /// <summary>
    /// Seconds until the request should be done: what is left of the quoted estimate, but never less
    /// than the wait before a batch's next retry or a CDN's own estimate still running.
    /// </summary>
    private static int Remaining(DateTimeOffset createdAt, int estimatedSeconds, IEnumerable<BatchState> batches, DateTimeOffset now)
    {
        var until = createdAt.AddSeconds(estimatedSeconds);
        foreach (var batch in batches)
        {
            if (batch.Status == InvalidationStatus.Done && batch.SettlesAt > until)
            {
                until = batch.SettlesAt.Value;
            }
            else if (!InvalidationStatus.IsTerminal(batch.Status) && batch.LeaseToken is null && batch.NextAttemptAt > until)
            {
                until = batch.NextAttemptAt;
            }
        }

        return Math.Max(1, (int)Math.Ceiling((until - now).TotalSeconds));
    }

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error,
        Message = "The store stopped answering while saving a request of {UrlCount} URLs (scope {Scope}) for {Root}; it may have been stored. Answered with fault 30000 saying so")]
    private static partial void LogOutcomeUnknown(ILogger logger, Exception exception, string root, string scope, int urlCount);


    [LoggerMessage(EventId = 3005, Level = LogLevel.Information,
        Message = "Purge of the whole cache of company {Company} (root {Root}) accepted as request {RequestId}, submitted by {SubmittedBy}")]
    private static partial void LogPurgeAllAccepted(ILogger logger, string company, string root, long requestId, string submittedBy);

    private sealed record BatchState(string Status, int UrlCount, string? LastError, Guid? LeaseToken, DateTimeOffset NextAttemptAt, DateTimeOffset? SettlesAt);

    /// <summary>A bogus handle and a foreign one get the same fault, so that handles cannot be probed.</summary>
    internal static IpsFaultException InvalidHandle(string? handle) =>
        new(new IpsFault(FaultKind.Authorization, FaultCodes.InvalidCompany,
            $"Invalid invalidation handle: '{handle}' does not name a request this user may access."));

    private static string? Clip(string? value, int length) => value is null || value.Length <= length ? value : value[..length];

    private static List<string> CheckEmails(IReadOnlyList<string?> addresses)
    {
        if (addresses.Count > InvalidationOptions.MaxEmailAddresses)
        {
            throw new IpsFaultException(IpsFault.InvalidParameter(
                $"ccOthersArray has {addresses.Count} addresses; at most {InvalidationOptions.MaxEmailAddresses} are allowed."));
        }

        var checkedAddresses = new List<string>(addresses.Count);
        for (var i = 0; i < addresses.Count; i++)
        {
            var address = addresses[i]?.Trim() ?? "";
            if (address.Length > 254 || !MailAddress.TryCreate(address, out var parsed) || parsed.Address != address || parsed.DisplayName.Length > 0)
            {
                throw new IpsFaultException(IpsFault.InvalidParameter(
                    $"ccOthersArray address {i + 1} '{address}' is not a well-formed email address."));
            }

            checkedAddresses.Add(address);
        }

        return checkedAddresses;
    }
}
