using System.Globalization;

namespace IpsApi.Core.Retention;

/// <summary>What one retention run deleted, and whether it got through everything due (or stopped at <see cref="RetentionOptions.MaxRunTime"/>).</summary>
public sealed record RetentionReport(int Requests, int Batches, int Jobs, int HookDeliveries, int AuditRecords, int Statements, bool Complete)
{
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"deleted {Requests} request(s), {Batches} batch(es), {Jobs} job(s), {HookDeliveries} webhook delivery(ies), {AuditRecords} audit record(s) in {Statements} statement(s){(Complete ? "" : "; more left for the next run")}");
}
