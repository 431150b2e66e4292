using IpsApi.Core.Invalidation;
using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace IpsApi.Core.Metrics;

/// <summary>
/// Records <c>ipsapi_request_settle_seconds{status}</c> for a request whose last open batch has just settled: from its
/// acceptance to its final status, which is when that batch settled or, for a CDN that said it needs time to spread
/// the purge, when the slowest of them expects to be done (the moment the status reports <c>Done</c>). One read per
/// request, after the settling write has committed; a failed read loses the sample, never the settle.
/// </summary>
public sealed partial class RequestSettleTimer(IpsDbContext db, IpsMetrics metrics, ILogger<RequestSettleTimer> logger)
{
    public async Task RecordAsync(long requestId, DateTimeOffset settledAt)
    {
        try
        {
            var request = await db.InvalidationRequests.AsNoTracking()
                .Where(r => r.Id == requestId)
                .Select(r => new { r.CreatedAt, Batches = r.Batches.Select(b => new { b.Status, b.SettlesAt }).ToList() })
                .SingleOrDefaultAsync(CancellationToken.None);
            if (request is null || request.Batches.Any(b => !InvalidationStatus.IsTerminal(b.Status)))
            {
                return;
            }

            var final = request.Batches.Select(b => b.SettlesAt ?? settledAt).Append(settledAt).Max();
            metrics.RequestSettled(InvalidationStatus.Derive(request.Batches.Select(b => b.Status)), final - request.CreatedAt);
        }
        catch (Exception e)
        {
            LogNotRecorded(logger, e, requestId);
        }
    }

    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "Metrics: the settle time of request {RequestId} was not recorded")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception, long requestId);
}
