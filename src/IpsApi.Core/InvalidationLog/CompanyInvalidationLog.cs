using System.Buffers.Binary;
using System.Globalization;
using IpsApi.Contracts;
using IpsApi.Core.Companies;
using IpsApi.Core.Faults;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Persistence;
using IpsApi.Core.Users;

namespace IpsApi.Core.InvalidationLog;

/// <summary>
/// The invalidation log as a caller may read it, with the rules of the SOAP operations (spec §4): <c>IpsAdmin</c>
/// reads every company's, <c>IpsCompanyAdmin</c> its own companies'; an unknown and a foreign company or handle give
/// the same 20000 fault. A listing is paged by an opaque cursor that continues below the last request shown, so a
/// page never repeats or skips a request however many are stored meanwhile.
/// </summary>
public sealed class CompanyInvalidationLog(IpsDbContext db, CompanyCache companies, InvalidationService invalidations, InvalidationLogReader reader)
{
    /// <summary>The largest page a caller may ask for.</summary>
    public const int MaxPageSize = 200;

    public const int DefaultPageSize = 50;

    private const byte CursorVersion = 1;

    public async Task<InvalidationLogPage> ListAsync(Caller caller, string? companyHandle, InvalidationLogQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(query);
        CompanyAccess.RequireOperationRole(caller.User, OperationNames.GetCdnCacheInvalidationStatus);
        var company = await CompanyAccess.RequireCompanyAsync(db, companies, caller.User, companyHandle, cancellationToken);
        var limit = PageSize(query.Limit);
        var filter = new InvalidationLogFilter(
            company.Id,
            Status(query.Status),
            Kind(query.Kind),
            Since(query.Since),
            limit + 1,
            BeforeId(query.Cursor));
        var found = await reader.ListAsync(filter, cancellationToken);
        if (found.Count <= limit)
        {
            return new InvalidationLogPage(found, null);
        }

        var page = found.Take(limit).ToList();
        InvalidationHandle.TryParse(page[^1].Handle, out _, out var lastId, out _);
        return new InvalidationLogPage(page, Cursor(lastId));
    }

    /// <summary>One invalidation, with its status as <c>getCdnCacheInvalidationStatus</c> reports it and the outcome of each URL.</summary>
    public async Task<InvalidationReport> ReportAsync(Caller caller, string? handle, CancellationToken cancellationToken)
    {
        // Authorises (role, company, token) and words the faults exactly as the SOAP operation does.
        var progress = await invalidations.GetStatusAsync(caller, handle, cancellationToken);
        var detail = await reader.FindAsync(handle!, cancellationToken) ?? throw InvalidationService.InvalidHandle(handle);
        return new InvalidationReport(progress, detail, UrlOutcome.From(detail.Batches));
    }

    /// <summary>The cursor that continues a listing below request <paramref name="lastId"/>: opaque to callers, base64url of a version and the id.</summary>
    public static string Cursor(long lastId)
    {
        Span<byte> bytes = stackalloc byte[9];
        bytes[0] = CursorVersion;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], lastId);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static long? BeforeId(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            var bytes = Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
            if (bytes.Length == 9 && bytes[0] == CursorVersion && BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1)) is > 0 and var id
                && Cursor(id) == cursor)
            {
                return id;
            }
        }
        catch (FormatException)
        {
        }

        throw new IpsFaultException(IpsFault.InvalidParameter($"cursor '{Clip(cursor)}' is not a cursor of this listing: pass the 'next' link of the previous page as it is."));
    }

    private static int PageSize(string? limit)
    {
        if (string.IsNullOrEmpty(limit))
        {
            return DefaultPageSize;
        }

        return int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size is >= 1 and <= MaxPageSize
            ? size
            : throw new IpsFaultException(IpsFault.InvalidParameter($"limit '{Clip(limit)}' must be a whole number from 1 to {MaxPageSize}."));
    }

    private static string? Status(string? status)
    {
        if (string.IsNullOrEmpty(status))
        {
            return null;
        }

        return InvalidationLogReader.FilterableStatuses.FirstOrDefault(s => s == status)
            ?? throw new IpsFaultException(IpsFault.InvalidParameter(
                $"status '{Clip(status)}' is not a status an invalidation can have; use one of {string.Join(", ", InvalidationLogReader.FilterableStatuses)}."));
    }

    private static string? Kind(string? kind) =>
        string.IsNullOrEmpty(kind) ? null
        : kind is InvalidationKinds.Manual or InvalidationKinds.Automatic ? kind
        : throw new IpsFaultException(IpsFault.InvalidParameter(
            $"kind '{Clip(kind)}' is not a kind of invalidation; use {InvalidationKinds.Manual} or {InvalidationKinds.Automatic}."));

    private static DateTimeOffset? Since(string? since)
    {
        if (string.IsNullOrEmpty(since))
        {
            return null;
        }

        // An instant needs its offset: a local time would mean a different instant on every server.
        return DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant)
            && (since.EndsWith('Z') || since.EndsWith('z') || System.Text.RegularExpressions.Regex.IsMatch(since, "[+-][0-9]{2}:?[0-9]{2}$"))
            ? instant
            : throw new IpsFaultException(IpsFault.InvalidParameter(
                $"since '{Clip(since)}' is not an ISO 8601 instant with an offset, such as 2026-12-03T08:00:00Z."));
    }

    private static string Clip(string value) => value.Length <= 100 ? value : value[..100] + "…";
}
