using IpsApi.Core.Invalidation;
using IpsApi.Core.InvalidationLog;

namespace IpsApi.Server.WebConsole;

/// <summary>
/// One URL of a request as "See links" shows it: the status of the batch that carries it and, when that batch has
/// failed or waits for a retry, why: the reasons that name this URL, else those that name no URL of the batch.
/// </summary>
public sealed record LinkOutcome(string Url, int BatchNumber, string Status, IReadOnlyList<string> Reasons)
{
    public static IReadOnlyList<LinkOutcome> From(InvalidationDetail detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        var outcomes = new List<LinkOutcome>();
        foreach (var batch in detail.Batches)
        {
            var failed = batch.Status is InvalidationStatus.Error or InvalidationStatus.ErrorCdnNode;
            var retrying = !InvalidationStatus.IsTerminal(batch.Status) && batch.Failures.Count > 0;
            var urls = batch.Urls.ToHashSet(StringComparer.Ordinal);
            var batchWide = batch.Failures.Where(f => !urls.Any(url => f.Reason.Contains(url, StringComparison.Ordinal))).ToList();
            foreach (var url in batch.Urls)
            {
                IReadOnlyList<string> reasons = [];
                if (failed || retrying)
                {
                    var own = batch.Failures.Where(f => f.Reason.Contains(url, StringComparison.Ordinal)).ToList();
                    reasons = [.. (own.Count > 0 ? own : batchWide).Select(f => f.Code == 0 ? f.Reason : $"{f.Code}: {f.Reason}")];
                    if (failed && reasons.Count == 0)
                    {
                        reasons = [$"Batch {batch.Number} ended {batch.Status}; no failure named this URL."];
                    }
                }

                outcomes.Add(new LinkOutcome(url, batch.Number, batch.Status, reasons));
            }
        }

        return outcomes;
    }
}
