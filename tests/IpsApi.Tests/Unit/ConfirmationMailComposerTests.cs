using IpsApi.Core.Companies;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Mail;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Unit;

public sealed class ConfirmationMailComposerTests
{
    [Fact]
    public void Compose_A250UrlRequest_GivesOneMailPerBatchOf100_100_50()
    {
        var urls = AnonymousUrls.Create(250);
        var mails = ConfirmedRequests.Create(urls, ccOriginator: true, ccOthers: []).Select(ConfirmationMailComposer.Compose).ToList();

        Assert.Equal(3, mails.Count);
        Assert.Equal(
            [
                "CDN cache invalidation i|7|42|E_iJEv25SB_ZAKSVZpzJ6A: batch 1 of 3 cleared",
                "CDN cache invalidation i|7|42|E_iJEv25SB_ZAKSVZpzJ6A: batch 2 of 3 cleared",
                "CDN cache invalidation i|7|42|E_iJEv25SB_ZAKSVZpzJ6A: batch 3 of 3 cleared",
            ],
            mails.Select(m => m!.Subject));
        Assert.Equal([100, 100, 50], mails.Select(m => ListedUrls(m!.Body).Count));
        Assert.Equal(urls, mails.SelectMany(m => ListedUrls(m!.Body)));
        Assert.Contains("Batch:               3 of 3 (50 of the request's 250 URLs)\n", mails[2]!.Body, StringComparison.Ordinal);
        Assert.Equal(3, mails.Select(m => m!.MessageKey).Distinct().Count());
    }

    [Fact]
    public void Compose_SaysWhenTheUrlsWereCleared_InUtc_BothIsoAndReadable_WithCompanyAndStatus()
    {
        var batch = ConfirmedRequests.Create(["https://images.example.com/is/image/acme/shoe?$thumbnail$"], true, [])[0] with
        {
            ClearedAt = new DateTimeOffset(2026, 12, 2, 12, 32, 16, TimeSpan.FromHours(1)),
        };

        var mail = ConfirmationMailComposer.Compose(batch)!;

        Assert.StartsWith("The entire CDN network has been notified that the 1 URL referenced in this email has been cleared.\n", mail.Body, StringComparison.Ordinal);
        Assert.Contains("Cleared at:          2026-12-02T11:32:16Z (Wednesday, 2 December 2026, 11:32:16 UTC)\n", mail.Body, StringComparison.Ordinal);
        Assert.Contains("Company:             Example Ltd (c|7)\n", mail.Body, StringComparison.Ordinal);
        Assert.Contains("Status:              Done\n", mail.Body, StringComparison.Ordinal);
        Assert.Contains("Invalidation handle: i|7|42|E_iJEv25SB_ZAKSVZpzJ6A\n", mail.Body, StringComparison.Ordinal);
        Assert.Equal(["https://images.example.com/is/image/acme/shoe?$thumbnail$"], ListedUrls(mail.Body));
    }

    [Fact]
    public void Compose_Recipients_AreTheOriginatorThenTheOthers_EachOnceIgnoringCase()
    {
        var batch = ConfirmedRequests.Create(
            AnonymousUrls.Create(1), ccOriginator: true, ccOthers: ["Ops@Example.com", "admin@EXAMPLE.com", "ops@example.com", "web@example.org"])[0];

        Assert.Equal(["admin@example.com", "Ops@Example.com", "web@example.org"], ConfirmationMailComposer.Compose(batch)!.Recipients);
    }

    [Fact]
    public void Compose_WithoutCcOriginator_MailsOnlyTheOthers()
    {
        var batch = ConfirmedRequests.Create(AnonymousUrls.Create(1), ccOriginator: false, ccOthers: ["ops@example.com"])[0];

        Assert.Equal(["ops@example.com"], ConfirmationMailComposer.Compose(batch)!.Recipients);
    }

    [Fact]
    public void Compose_WhenNobodyAskedForMail_GivesNoMail()
    {
        Assert.Null(ConfirmationMailComposer.Compose(ConfirmedRequests.Create(AnonymousUrls.Create(3), ccOriginator: false, ccOthers: [])[0]));
    }

    [Fact]
    public void From_ABatchACdnStillSpreads_IsClearedWhenTheCdnSaidItWouldBe()
    {
        var request = new InvalidationRequest { Id = 1, CompanyId = 1, Token = "t", SubmittedBy = "a@example.com", UrlCount = 1, EmailCcOriginator = true };
        var completed = new DateTimeOffset(2026, 12, 2, 11, 0, 0, TimeSpan.Zero);
        var batch = new NotificationBatch { Status = InvalidationStatus.Done, CompletedAt = completed, SettlesAt = completed.AddSeconds(5), Urls = ["u"] };

        var facts = ConfirmedBatch.From(request, batch, 1, new Company { Id = 1, Name = "C", RootId = "c" }, "a@example.com");

        Assert.Equal(completed.AddSeconds(5), facts.ClearedAt);
    }

    [Theory]
    [InlineData(InvalidationStatus.FlushingCdn)]
    [InlineData(InvalidationStatus.ErrorCdnNode)]
    public void From_ABatchNotDone_IsRefused(string status)
    {
        var request = new InvalidationRequest { Id = 1, CompanyId = 1, Token = "t", SubmittedBy = "a@example.com", UrlCount = 1 };
        var batch = new NotificationBatch { Status = status, CompletedAt = DateTimeOffset.UnixEpoch, Urls = ["u"] };

        Assert.Throws<ArgumentException>(() => ConfirmedBatch.From(request, batch, 1, new Company { Id = 1, Name = "C", RootId = "c" }, null));
    }

    /// <summary>The lines between the "URLs cleared:" heading and the blank line after them.</summary>
    internal static List<string> ListedUrls(string body)
    {
        var lines = body.Split('\n');
        var start = Array.FindIndex(lines, l => l is "URLs cleared:" or "URL cleared:") + 1;
        return [.. lines.Skip(start).TakeWhile(l => l.Length > 0)];
    }
}
