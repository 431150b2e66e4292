using System.Globalization;
using IpsApi.Core.InvalidationLog;

namespace IpsApi.Server.Cli;

/// <summary><c>invalidation show</c> as text: the request, then each batch, its follow-ups and its audit record. Times are local.</summary>
internal static class InvalidationDetailText
{
    public static void Write(InvalidationDetail detail, TextWriter output)
    {
        var summary = detail.Summary;
        output.WriteLine($"handle:       {summary.Handle}");
        output.WriteLine($"company:      {detail.CompanyName} ({summary.CompanyHandle})");
        output.WriteLine($"status:       {summary.Status}");
        output.WriteLine($"kind, scope:  {summary.Kind}, {summary.Scope}");
        output.WriteLine($"submitted:    {InvalidationCommand.Local(summary.SubmittedAt)} by {summary.SubmittedBy} (estimated {detail.EstimatedSeconds} s)");
        output.WriteLine(summary.Scope == Core.Invalidation.InvalidationScopes.All
            ? $"URLs:         none: the company's whole cache, in {detail.Batches.Count} batch(es)"
            : $"URLs:         {summary.UrlCount} in {detail.Batches.Count} batch(es)");
        var mailTo = (detail.EmailCcOriginator ? new[] { "the submitter" } : []).Concat(detail.EmailOthers).ToList();
        output.WriteLine($"confirmation: {(mailTo.Count == 0 ? "not asked for" : "mail to " + string.Join(", ", mailTo))}");
        foreach (var batch in detail.Batches)
        {
            output.WriteLine();
            var timing = batch.CompletedAt is { } completed
                ? $", ended {InvalidationCommand.Local(completed)}" + (batch.SettlesAt is { } settles && settles > completed ? $", spread by the CDN by {InvalidationCommand.Local(settles)}" : "")
                : batch.NextAttemptAt is { } next ? $", next attempt {InvalidationCommand.Local(next)}" : "";
            output.WriteLine($"batch {batch.Number} of {detail.Batches.Count}: {batch.Status}, {batch.Urls.Count} URL(s), {batch.Attempt} retr{(batch.Attempt == 1 ? "y" : "ies")}{timing}");
            output.WriteLine($"  purged by:  {(batch.DoneProviders.Count == 0 ? "none yet" : string.Join(", ", batch.DoneProviders))}");
            foreach (var receipt in batch.Receipts)
            {
                output.WriteLine($"  receipt:    {receipt}");
            }

            foreach (var failure in batch.Failures)
            {
                output.WriteLine($"  {(batch.CompletedAt is null ? "retrying" : "failed")}:   {failure.Code.ToString(CultureInfo.InvariantCulture)} {failure.Reason}");
            }

            foreach (var url in batch.Urls)
            {
                output.WriteLine($"  {url}");
            }
        }

        output.WriteLine();
        output.WriteLine(detail.FollowUps.Count == 0 ? "follow-ups: none" : "follow-ups:");
        foreach (var job in detail.FollowUps)
        {
            var what = job.BatchNumber is { } number ? $"{job.Kind} for batch {number}" : job.Kind;
            var state = job.Status switch
            {
                "Done" => $"done {InvalidationCommand.Local(job.CompletedAt!.Value)}: {job.Result}",
                "Failed" => $"failed {InvalidationCommand.Local(job.CompletedAt!.Value)} after {job.Attempt} attempt(s): {job.LastError}",
                _ => $"pending, next attempt {(job.NextAttemptAt is { } next ? InvalidationCommand.Local(next) : "now")}" + (job.LastError is { } error ? $" (attempt {job.Attempt} failed: {error})" : ""),
            };
            output.WriteLine($"  {what}: {state}");
        }

        output.WriteLine();
        output.WriteLine("audit:");
        foreach (var audit in detail.Audit)
        {
            var application = audit.AppName is null ? "" : $" with {audit.AppName}{(audit.AppVersion is null ? "" : " " + audit.AppVersion)}";
            var action = audit.Action == "submit" ? "submitted" : $"{audit.Action}{(audit.Detail is null ? "" : $" ({audit.Detail})")}";
            output.WriteLine($"  {InvalidationCommand.Local(audit.At)} {action} by {audit.User}{application}{(audit.ClientAddress is null ? "" : " from " + audit.ClientAddress)}");
        }
    }
}
