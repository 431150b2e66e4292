using IpsApi.Core.Jobs;
using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Mail;

/// <summary>
/// The <c>mail</c> job: the confirmation mail of one notification batch that is <c>Done</c>, composed from
/// the stored request and handed to the <c>Smtp:</c> server. A server that cannot take it now is tried
/// again on the <c>Smtp:Retry*</c> schedule; one that refuses it for good fails the job, and the job's
/// record says why. With mail off (no <c>Smtp:Host</c>) the job is done at once, saying it was skipped.
/// </summary>
public sealed partial class ConfirmationMailJob(ConfirmationMailSender sender, IOptions<SmtpOptions> options, ILogger<ConfirmationMailJob> logger) : IJobHandler
{
    /// <summary>Attempts are bounded by <see cref="SmtpOptions.GiveUpAfter"/>; this only stops a runaway.</summary>
    private const int MaxAttempts = 1000;

    public string Kind => FollowUpKinds.Mail;

    public JobSchedule Schedule => new(MaxAttempts, options.Value.RetryBaseDelay, options.Value.RetryMaxDelay, options.Value.GiveUpAfter);

    public async Task<JobOutcome> RunAsync(Job job, IServiceProvider services, CancellationToken cancellationToken)
    {
        var db = services.GetRequiredService<IpsDbContext>();
        var batch = await db.NotificationBatches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == job.BatchId, cancellationToken);
        var request = batch is null
            ? null
            : await db.InvalidationRequests.AsNoTracking().Include(r => r.Company).SingleOrDefaultAsync(r => r.Id == batch.RequestId, cancellationToken);
        if (batch is null || request?.Company is null)
        {
            return JobOutcome.Fail($"batch {job.BatchId} no longer exists");
        }

        var batchCount = await db.NotificationBatches.CountAsync(b => b.RequestId == request.Id, cancellationToken);
        var describe = $"{request.Handle} batch {batch.Sequence + 1} of {batchCount}";
        if (!sender.IsConfigured)
        {
            LogSkipped(logger, describe);
            return JobOutcome.Skip("mail is off (Smtp:Host is not set)");
        }

        var originator = request.UserId is { } userId
            ? await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.Email).SingleOrDefaultAsync(cancellationToken)
            : null;
        var mail = ConfirmationMailComposer.Compose(ConfirmedBatch.From(request, batch, batchCount, request.Company, originator));
        if (mail is null)
        {
            return JobOutcome.Skip("no recipient (the request was submitted without a user address and named no others)");
        }

        var outcome = await sender.SendAsync(mail, cancellationToken);
        var refused = outcome.RefusedRecipients.Count == 0
            ? ""
            : "; refused: " + string.Join(", ", outcome.RefusedRecipients.Select(r => $"{r.Address} ({(r.StatusCode == 0 ? "not an address" : r.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture))})"));
        return outcome.Kind switch
        {
            MailOutcomeKind.Sent => JobOutcome.Done($"sent to {mail.Recipients.Count - outcome.RefusedRecipients.Count} of {mail.Recipients.Count} recipient(s){refused}"),
            MailOutcomeKind.Transient => JobOutcome.Retry(outcome.Reason + refused),
            _ => JobOutcome.Fail(outcome.Reason + refused),
        };
    }

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Confirmation mail for {Batch} skipped: mail is off (Smtp:Host is not set)")]
    private static partial void LogSkipped(ILogger logger, string batch);
}
