using System.Runtime.CompilerServices;
using IpsApi.Core.Companies;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Core.Audit;

/// <summary>
/// Reads the audit records, newest first. They are kept for <c>Retention:AuditDays</c>, longer than the requests
/// they are about; a record whose request is gone keeps its handle, company and URL count.
/// </summary>
public sealed class AuditReader(IpsDbContext db)
{
    public async Task<IReadOnlyList<AuditEntry>> ListAsync(AuditFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        // Plain SQL, as SQLite cannot compare or order instants in a translated query; it reads alike on both stores.
        var conditions = new List<string>();
        var values = new List<object?>();
        if (filter.CompanyId is { } companyId)
        {
            conditions.Add($"company_id = {{{values.Count}}}");
            values.Add(companyId);
        }

        if (filter.UserEmail is { } email)
        {
            conditions.Add($"lower(user_email) = lower({{{values.Count}}})");
            values.Add(email);
        }

        if (filter.Since is { } since)
        {
            conditions.Add($"at >= {{{values.Count}}}");
            values.Add(since.ToUniversalTime());
        }

        var where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);
        var sql = $"SELECT * FROM audit_records {where} ORDER BY at DESC, id DESC LIMIT {{{values.Count}}}";
        values.Add(Math.Clamp(filter.Limit, 1, AuditFilter.MaxLimit));
        var records = await db.AuditRecords.FromSql(FormattableStringFactory.Create(sql, [.. values])).AsNoTracking().ToListAsync(cancellationToken);

        var linked = records.Where(a => a.RequestId is not null).Select(a => a.RequestId!.Value).Distinct().ToList();
        var requests = linked.Count == 0
            ? []
            : await db.InvalidationRequests.AsNoTracking()
                .Where(r => linked.Contains(r.Id))
                .Select(r => new { r.Id, r.CompanyId, r.Token })
                .ToDictionaryAsync(r => r.Id, r => InvalidationHandle.Format(r.CompanyId, r.Id, r.Token), cancellationToken);
        return [.. records.Select(a =>
        {
            var kept = a.RequestId is { } id && requests.ContainsKey(id);
            return new AuditEntry(
                a.At,
                a.Action,
                a.Detail,
                a.UserEmail,
                kept ? requests[a.RequestId!.Value] : a.Handle,
                CompanyHandle.Format(a.CompanyId),
                a.UrlCount,
                a.AppName,
                a.AppVersion,
                a.ClientAddress,
                kept);
        })];
    }
}
