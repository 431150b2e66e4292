using IpsApi.Core.Companies;
using IpsApi.Core.Invalidation;

namespace IpsApi.Core.Mail;

/// <summary>What the confirmation mail of one notification batch says, read from the stored request.</summary>
/// <param name="InvalidationHandle">The handle <c>cdnCacheInvalidation</c> returned.</param>
/// <param name="CompanyName">The company's name.</param>
/// <param name="CompanyHandle">The company's handle, e.g. <c>c|1</c>.</param>
/// <param name="OriginatorEmail">The calling user's address.</param>
/// <param name="CcOriginator"><c>emailConfirmation/ccOriginator</c>.</param>
/// <param name="CcOthers"><c>emailConfirmation/ccOthersArray</c>.</param>
/// <param name="BatchNumber">From 1.</param>
/// <param name="BatchCount">Batches of the request.</param>
/// <param name="RequestUrlCount">URLs of the whole request.</param>
/// <param name="Urls">The batch's URLs as the client sent them.</param>
/// <param name="ClearedAt">When every tier had purged the batch (and a CDN's own estimate had passed).</param>
/// <param name="Status">The batch's status.</param>
public sealed record ConfirmedBatch(
    string InvalidationHandle,
    string CompanyName,
    string CompanyHandle,
    string? OriginatorEmail,
    bool CcOriginator,
    IReadOnlyList<string> CcOthers,
    int BatchNumber,
    int BatchCount,
    int RequestUrlCount,
    IReadOnlyList<string> Urls,
    DateTimeOffset ClearedAt,
    string Status)
{
    /// <summary>
    /// The facts of <paramref name="batch"/>, a batch of <paramref name="request"/> that is <c>Done</c>.
    /// <paramref name="batchCount"/> is the request's number of batches, counted by the caller so
    /// that the other batches' URLs need not be loaded.
    /// </summary>
    public static ConfirmedBatch From(
        InvalidationRequest request, NotificationBatch batch, int batchCount, Company company, string? originatorEmail)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(company);
        if (batch.Status != InvalidationStatus.Done || batch.CompletedAt is not { } completedAt)
        {
            throw new ArgumentException($"Only a Done batch is confirmed; batch {batch.Sequence} of request {request.Id} is {batch.Status}.", nameof(batch));
        }

        // A CDN that took the purge but quoted time to spread it has cleared the URLs only then.
        var clearedAt = batch.SettlesAt is { } settles && settles > completedAt ? settles : completedAt;
        return new ConfirmedBatch(
            request.Handle,
            company.Name,
            company.Handle,
            originatorEmail,
            request.EmailCcOriginator,
            request.EmailOthers,
            batch.Sequence + 1,
            batchCount,
            request.UrlCount,
            batch.Urls,
            clearedAt,
            batch.Status);
    }
}
