using IpsApi.Core.Companies;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Mail;

namespace IpsApi.Tests.Support;

/// <summary>
/// A request as the store holds it once every batch is Done: its URLs cut into notification batches
/// of <see cref="InvalidationOptions.BatchSize"/> as accepting it does, and the facts each batch's
/// confirmation mail is composed from.
/// </summary>
public static class ConfirmedRequests
{
    public static readonly DateTimeOffset ClearedAt = new(2026, 12, 2, 11, 32, 16, TimeSpan.Zero);

    public static IReadOnlyList<ConfirmedBatch> Create(
        IReadOnlyList<string> urls, bool ccOriginator, IReadOnlyList<string> ccOthers, string originatorEmail = "admin@example.com")
    {
        var company = new Company { Id = 7, Name = "Example Ltd", RootId = "acme" };
        var request = new InvalidationRequest
        {
            Id = 42,
            CompanyId = company.Id,
            Token = "E_iJEv25SB_ZAKSVZpzJ6A",
            SubmittedBy = originatorEmail,
            UrlCount = urls.Count,
            EmailCcOriginator = ccOriginator,
            EmailOthers = [.. ccOthers],
        };
        var batchSize = new InvalidationOptions().BatchSize;
        foreach (var (chunk, sequence) in urls.Chunk(batchSize).Select((chunk, i) => (chunk, i)))
        {
            request.Batches.Add(new NotificationBatch
            {
                CompanyId = company.Id,
                Sequence = sequence,
                Urls = [.. chunk],
                UrlCount = chunk.Length,
                Status = InvalidationStatus.Done,
                CompletedAt = ClearedAt,
            });
        }

        return [.. request.Batches.Select(batch => ConfirmedBatch.From(request, batch, request.Batches.Count, company, originatorEmail))];
    }
}
