using System.Data.Common;
using System.Globalization;
using IpsApi.Core.Companies;
using IpsApi.Core.Faults;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Usage;

/// <summary>
/// The usage rules of <c>cdnCacheInvalidation</c>, the same on every node because their state is the store:
/// the switch for everyone (<see cref="InvalidationOptions.Enabled"/>), the company's switch, and its limits
/// (<see cref="Company.RequestsPerMinute"/>, <see cref="Company.UrlsPerHour"/>, counted from
/// <c>invalidation_requests</c> over sliding windows). A company with a limit has its accepts serialised on
/// its row, and counted in the transaction that stores the request, so two nodes cannot both let the last
/// request through. A company without one pays nothing: its switch is read from <see cref="CompanyCache"/>.
/// A refusal stores nothing and is logged once.
/// </summary>
public sealed partial class UsageRules(IpsDbContext db, DatabaseSettings settings, IOptions<InvalidationOptions> options, ILogger<UsageRules> logger)
{
    /// <summary>Whether the company's accepts are counted (and serialised) in the store.</summary>
    public static bool HasLimits(Company company) => company.RequestsPerMinute > 0 || company.UrlsPerHour > 0;

    /// <summary>
    /// The switches as this node knows them without a query: the global one, and the company's as cached (at
    /// most <see cref="CompanyCache.Lifetime"/> old). A company with limits has its switch read again, fresh,
    /// by <see cref="EnforceAsync"/>.
    /// </summary>
    public void RequireSwitchedOn(Company company, int urlCount)
    {
        if (!options.Value.Enabled)
        {
            LogSwitchedOffForEveryone(logger, company.Handle, urlCount);
            throw new IpsFaultException(SwitchedOffForEveryone());
        }

        if (!company.InvalidationEnabled)
        {
            LogSwitchedOffForCompany(logger, company.Handle, urlCount);
            throw new IpsFaultException(SwitchedOffForCompany(company.Handle));
        }
    }

    /// <summary>
    /// Inside the accept transaction, before the request is stored: locks the company's row (PostgreSQL;
    /// SQLite's write transaction already excludes other writers), reads its switch and limits as committed,
    /// counts what the windows hold, and refuses a request that does not fit.
    /// </summary>
    public async Task EnforceAsync(Company company, int urlCount, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var count = await CountAsync(company.Id, now, cancellationToken);
        if (count is null)
        {
            throw new IpsFaultException(new IpsFault(FaultKind.Authorization, FaultCodes.InvalidCompany,
                $"Invalid company: '{company.Handle}' does not name a company this user may access."));
        }

        if (!count.InvalidationEnabled)
        {
            LogSwitchedOffForCompany(logger, company.Handle, urlCount);
            throw new IpsFaultException(SwitchedOffForCompany(company.Handle));
        }

        if (count.Broken(urlCount) is not { } limit)
        {
            return;
        }

        var room = count.Room(limit, urlCount);
        var fitsAt = room < 0 ? (DateTimeOffset?)null : await FitsAgainAtAsync(company.Id, limit, room, now, cancellationToken);
        var (allowed, used) = limit == UsageLimit.RequestsPerMinute
            ? (count.RequestsPerMinute, (long)count.RequestsLastMinute)
            : (count.UrlsPerHour, count.UrlsLastHour);
        LogOverLimit(logger, company.Handle, urlCount, limit.Name, allowed, used);
        throw new IpsFaultException(OverLimit(company.Handle, limit, allowed, used, urlCount, fitsAt, now));
    }

    /// <summary>20009: invalidation is off for every company.</summary>
    public static IpsFault SwitchedOffForEveryone() =>
        new(FaultKind.Authorization, FaultCodes.MissingPermission,
            "Invalidation is disabled for every company on this server (Invalidation:Enabled is false); nothing was invalidated.");

    /// <summary>20009: invalidation is off for this company.</summary>
    public static IpsFault SwitchedOffForCompany(string handle) =>
        new(FaultKind.Authorization, FaultCodes.MissingPermission,
            $"Invalidation is disabled for company {handle}; nothing was invalidated.");

    /// <summary>
    /// 30001 naming the limit, what the window holds, and when the request fits (rounded up to the second,
    /// also as <see cref="IpsFault.RetryAfter"/>); or, for a request over the hourly limit by itself
    /// (<paramref name="fitsAt"/> null), that it never fits and must be split.
    /// </summary>
    public static IpsFault OverLimit(string handle, UsageLimit limit, int allowed, long used, int urlCount, DateTimeOffset? fitsAt, DateTimeOffset now)
    {
        if (fitsAt is not { } at)
        {
            return IpsFault.InvalidParameter(
                $"Usage limit reached: company {handle} may invalidate at most {allowed} URLs per hour and this request has {urlCount}, "
                + $"so it can never fit; split it into requests of at most {allowed} URLs. Nothing was invalidated.");
        }

        var wholeSecond = new DateTimeOffset((at.UtcTicks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
        var when = wholeSecond.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var reason = limit == UsageLimit.RequestsPerMinute
            ? $"Usage limit reached: company {handle} may make at most {allowed} invalidation requests per minute; "
              + $"{used} were accepted in the last minute. The limit allows another at {when}. Nothing was invalidated."
            : $"Usage limit reached: company {handle} may invalidate at most {allowed} URLs per hour; "
              + $"{used} were accepted in the last hour and this request has {urlCount}. The limit allows it again at {when}. Nothing was invalidated.";
        return IpsFault.InvalidParameter(reason) with { RetryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((wholeSecond - now).TotalSeconds))) };
    }

    /// <summary>
    /// The company's switch and limits as committed, and the windows' contents, after taking the company's row
    /// lock. On PostgreSQL the lock (<c>FOR NO KEY UPDATE</c>: it excludes other accepts of the company but not the
    /// key-share locks of inserts referencing the row) is its own statement, sent in one batch with the count:
    /// under READ COMMITTED the count then reads a snapshot taken after the lock was granted, so it sees the
    /// request of the accept that held the lock before. Null when the company is gone.
    /// </summary>
    private async Task<UsageCount?> CountAsync(int companyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        const string count = """
            SELECT c.invalidation_enabled, c.requests_per_minute, c.urls_per_hour,
                   CASE WHEN c.requests_per_minute > 0
                        THEN (SELECT count(*) FROM invalidation_requests r WHERE r.company_id = c.id AND r.created_at > @minute_ago)
                        ELSE 0 END,
                   CASE WHEN c.urls_per_hour > 0
                        THEN (SELECT coalesce(sum(r.url_count), 0) FROM invalidation_requests r WHERE r.company_id = c.id AND r.created_at > @hour_ago)
                        ELSE 0 END
            FROM companies c WHERE c.id = @company_id
            """;
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("The usage rules are enforced inside the accept transaction.");
        if (settings.Provider == DatabaseProvider.Postgres)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = transaction;
            foreach (var text in new[] { "SELECT 1 FROM companies WHERE id = @company_id FOR NO KEY UPDATE", count })
            {
                var command = batch.CreateBatchCommand();
                command.CommandText = text;
                Bind(text, command.Parameters, command.CreateParameter, companyId, now);
                batch.BatchCommands.Add(command);
            }

            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            return await ReadAsync(reader, cancellationToken);
        }
        else
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = count;
            Bind(count, command.Parameters, command.CreateParameter, companyId, now);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await ReadAsync(reader, cancellationToken);
        }

        static async Task<UsageCount?> ReadAsync(DbDataReader reader, CancellationToken cancellationToken) =>
            await reader.ReadAsync(cancellationToken)
                ? new UsageCount(reader.GetBoolean(0), reader.GetInt32(1), reader.GetInt32(2), (int)reader.GetInt64(3), reader.GetInt64(4))
                : null;
    }

    /// <summary>
    /// When enough of the window's requests have left it for this one to fit: newest first, the first request at
    /// which what the window holds exceeds <paramref name="room"/>; once it leaves, the newer ones fit in the room.
    /// </summary>
    private async Task<DateTimeOffset> FitsAgainAtAsync(int companyId, UsageLimit limit, long room, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var weight = limit == UsageLimit.RequestsPerMinute ? "1" : "r.url_count";
        var since = limit == UsageLimit.RequestsPerMinute ? "@minute_ago" : "@hour_ago";
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = $"""
            SELECT w.created_at FROM (
                SELECT r.created_at, sum({weight}) OVER (ORDER BY r.created_at DESC, r.id DESC ROWS UNBOUNDED PRECEDING) AS newer
                FROM invalidation_requests r WHERE r.company_id = @company_id AND r.created_at > {since}) w
            WHERE w.newer > @room ORDER BY w.newer LIMIT 1
            """;
        Bind(command.CommandText, command.Parameters, command.CreateParameter, companyId, now);
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@room";
        parameter.Value = room;
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? reader.GetFieldValue<DateTimeOffset>(0) + limit.Window
            : now + limit.Window;
    }

    /// <summary>Adds the company and window parameters that <paramref name="text"/> uses.</summary>
    private static void Bind(string text, DbParameterCollection parameters, Func<DbParameter> create, int companyId, DateTimeOffset now)
    {
        foreach (var (name, value) in new (string, object)[]
                 {
                     ("@company_id", companyId),
                     ("@minute_ago", now - UsageLimit.RequestsPerMinute.Window),
                     ("@hour_ago", now - UsageLimit.UrlsPerHour.Window),
                 })
        {
            if (text.Contains(name, StringComparison.Ordinal))
            {
                var parameter = create();
                parameter.ParameterName = name;
                parameter.Value = value;
                parameters.Add(parameter);
            }
        }
    }

    [LoggerMessage(EventId = 3200, Level = LogLevel.Information,
        Message = "Refused an invalidation request of {UrlCount} URLs for company {Company}: invalidation is disabled for every company (Invalidation:Enabled is false)")]
    private static partial void LogSwitchedOffForEveryone(ILogger logger, string company, int urlCount);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information,
        Message = "Refused an invalidation request of {UrlCount} URLs for company {Company}: invalidation is disabled for the company")]
    private static partial void LogSwitchedOffForCompany(ILogger logger, string company, int urlCount);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning,
        Message = "Refused an invalidation request of {UrlCount} URLs for company {Company}: usage limit {Limit} {Allowed} reached, {Used} used in the window")]
    private static partial void LogOverLimit(ILogger logger, string company, int urlCount, string limit, int allowed, long used);
}
