using System.Security.Cryptography;
using System.Text.Json;
using IpsApi.Core.Companies;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Persistence;
using IpsApi.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace IpsApi.Core.Hooks;

/// <summary>
/// Automatic invalidation (spec §8): a new version of an asset invalidates every URL the company's template yields
/// for it, as kind <see cref="InvalidationKinds.Automatic"/>. A delivery is <c>{"companyHandle":"c|1","assetId":"x"}</c>
/// (or <c>"assetIds":[…]</c>), signed with the company's webhook secret (<see cref="AssetVersionSignature"/>).
/// <para>
/// The signer is found by checking the MAC against every company's webhook secret (a fixed-time compare each, and
/// always all of them): a MAC none of them made is refused as a bad signature before the body is read, and a company
/// that is unknown or is not the signer gets one answer, so a secret's holder cannot probe other companies. The cost
/// is one HMAC of the body (at most <see cref="MaxBodyBytes"/>) per company with a secret.
/// </para>
/// <para>
/// A replay of the same body for the same company within <see cref="ReplayWindow"/> answers with the first request's
/// handle and stores nothing: the delivery row is stored with the request in one transaction under a unique index on
/// (company, body hash), so of two identical deliveries at once only one request is stored.
/// </para>
/// </summary>
public sealed partial class AssetVersionHook(IpsDbContext db, InvalidationService invalidations, TimeProvider clock, ILogger<AssetVersionHook> logger)
{
    /// <summary>The largest body taken, in bytes; a larger one is refused while it is read.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>Who the log and the audit record name as the submitter.</summary>
    public const string SubmitterName = "hook:asset-version";

    public const string AppName = "asset-version webhook";

    /// <summary>How long a delivery's body is remembered, so that a replay stores nothing new.</summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    public async Task<AssetVersionResult> HandleAsync(ReadOnlyMemory<byte> body, string? signature, string? clientAddress, CancellationToken cancellationToken)
    {
        if (!AssetVersionSignature.TryParse(signature, out var mac))
        {
            return Refused(AssetVersionOutcome.BadSignature, "The X-IpsApi-Signature header is missing or is not sha256=<64 hex digits>.");
        }

        var signer = await SignerAsync(body, mac, cancellationToken);
        if (signer is null)
        {
            return Refused(AssetVersionOutcome.BadSignature, "The signature does not match the body.");
        }

        if (!TryRead(body.Span, out var handle, out var assetIds, out var malformed))
        {
            return Refused(AssetVersionOutcome.Malformed, malformed);
        }

        if (!CompanyHandle.TryParse(handle, out var companyId) || companyId != signer)
        {
            return Refused(AssetVersionOutcome.UnknownCompany, $"Invalid company: '{handle}' does not name the company this webhook secret belongs to.");
        }

        var company = (Id: companyId, Handle: CompanyHandle.Format(companyId));
        var template = await db.Companies.AsNoTracking().Where(c => c.Id == company.Id).Select(c => c.InvalidationTemplate).SingleAsync(cancellationToken);
        if (string.IsNullOrEmpty(template))
        {
            return Refused(AssetVersionOutcome.NoTemplate,
                $"Failed to retrieve URLs for selected assets. Company {company.Handle} has no CDN invalidation template to expand for a new asset version.");
        }

        var bodyHash = Convert.ToHexStringLower(SHA256.HashData(body.Span));
        var now = clock.GetUtcNow();
        if (await FindAsync(company.Id, bodyHash, now, cancellationToken) is { } earlier)
        {
            LogReplayed(logger, earlier.Handle!, company.Handle);
            return earlier;
        }

        // Forget this company's deliveries older than the window, so that the same body later is a new delivery. Plain SQL
        // because EF cannot compare instants on SQLite; there the stored text of UTC instants sorts as the instants do.
        var cutoff = (now - ReplayWindow).ToUniversalTime();
        await db.Database.ExecuteSqlAsync(
            $"DELETE FROM hook_deliveries WHERE company_id = {company.Id} AND received_at <= {cutoff}", cancellationToken);

        var caller = new Caller(
            new AuthenticatedUser(AuthenticatedUser.OperatorId, SubmitterName, Role.IpsCompanyAdmin, new HashSet<int> { company.Id }),
            AppName, null, clientAddress);
        var command = new InvalidationCommand(handle, [], AssetIds: assetIds, Kind: InvalidationKinds.Automatic);
        try
        {
            var accepted = await invalidations.AcceptAsync(caller, command, new HookDelivery { BodyHash = bodyHash, ReceivedAt = now }, cancellationToken);
            LogAccepted(logger, accepted.InvalidationHandle, company.Handle, assetIds.Count, accepted.UrlCount);
            return new AssetVersionResult(AssetVersionOutcome.Accepted, accepted.InvalidationHandle, accepted.EstimatedSeconds, accepted.UrlCount);
        }
        catch (DbUpdateException)
        {
            // An identical delivery stored its request first: the unique index refused this one, which rolled back whole.
            db.ChangeTracker.Clear();
            if (await FindAsync(company.Id, bodyHash, now, cancellationToken) is { } first)
            {
                LogReplayed(logger, first.Handle!, company.Handle);
                return first;
            }

            throw;
        }
    }

    /// <summary>The company whose webhook secret made <paramref name="mac"/>, checking every secret in fixed time.</summary>
    private async Task<int?> SignerAsync(ReadOnlyMemory<byte> body, byte[] mac, CancellationToken cancellationToken)
    {
        var keys = await db.Companies.AsNoTracking()
            .Where(c => c.WebhookSecret != null)
            .Select(c => new { c.Id, c.WebhookSecret })
            .ToListAsync(cancellationToken);
        int? signer = null;
        foreach (var key in keys)
        {
            if (CryptographicOperations.FixedTimeEquals(AssetVersionSignature.Mac(key.WebhookSecret!, body.Span), mac))
            {
                signer = key.Id;
            }
        }

        return signer;
    }

    private async Task<AssetVersionResult?> FindAsync(int companyId, string bodyHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // At most one row per company and body (the unique index); whether it is recent enough is decided here.
        var earlier = await db.HookDeliveries.AsNoTracking()
            .Where(d => d.CompanyId == companyId && d.BodyHash == bodyHash)
            .Select(d => new { d.ReceivedAt, d.Request!.CompanyId, d.RequestId, d.Request.Token, d.Request.EstimatedSeconds, d.Request.UrlCount })
            .SingleOrDefaultAsync(cancellationToken);
        return earlier is null || earlier.ReceivedAt <= now - ReplayWindow
            ? null
            : new AssetVersionResult(AssetVersionOutcome.Replayed, InvalidationHandle.Format(earlier.CompanyId, earlier.RequestId, earlier.Token), earlier.EstimatedSeconds, earlier.UrlCount);
    }

    /// <summary>
    /// <c>companyHandle</c> (a string) and the assets: <c>assetId</c> (a string), <c>assetIds</c> (an array of strings), or
    /// both (one list, <c>assetId</c> first). Other members are ignored, so that a DAM's own fields do no harm.
    /// </summary>
    private static bool TryRead(ReadOnlySpan<byte> body, out string handle, out List<string?> assetIds, out string why)
    {
        handle = "";
        assetIds = [];
        why = "";
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 4 });
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                why = "The body is not a JSON object.";
                return false;
            }

            if (!root.TryGetProperty("companyHandle", out var company) || company.ValueKind != JsonValueKind.String)
            {
                why = "The body has no companyHandle string.";
                return false;
            }

            handle = company.GetString()!;
            if (root.TryGetProperty("assetId", out var one))
            {
                if (one.ValueKind != JsonValueKind.String)
                {
                    why = "assetId is not a string.";
                    return false;
                }

                assetIds.Add(one.GetString());
            }

            if (root.TryGetProperty("assetIds", out var many))
            {
                if (many.ValueKind != JsonValueKind.Array || many.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                {
                    why = "assetIds is not an array of strings.";
                    return false;
                }

                assetIds.AddRange(many.EnumerateArray().Select(e => e.GetString()));
            }

            if (assetIds.Count == 0)
            {
                why = "The body names no asset: give assetId or assetIds.";
                return false;
            }

            return true;
        }
        catch (JsonException)
        {
            why = "The body is not well-formed JSON.";
            return false;
        }
    }

    private AssetVersionResult Refused(AssetVersionOutcome outcome, string detail)
    {
        LogRefused(logger, outcome);
        return new AssetVersionResult(outcome, Detail: detail);
    }

    [LoggerMessage(EventId = 3601, Level = LogLevel.Information, Message = "Asset-version webhook for {Company}: {AssetCount} asset(s), {UrlCount} URL(s) submitted as automatic invalidation {Handle}")]
    private static partial void LogAccepted(ILogger logger, string handle, string company, int assetCount, int urlCount);

    [LoggerMessage(EventId = 3602, Level = LogLevel.Information, Message = "Asset-version webhook for {Company} replayed within the window: answered with {Handle}, nothing stored")]
    private static partial void LogReplayed(ILogger logger, string handle, string company);

    [LoggerMessage(EventId = 3603, Level = LogLevel.Warning, Message = "Asset-version webhook delivery refused: {Outcome}")]
    private static partial void LogRefused(ILogger logger, AssetVersionOutcome outcome);
}
