using System.Net;
using IpsApi.Core.Invalidation;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Tests.Wire;

public sealed class CdnCacheInvalidationWireTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task CdnCacheInvalidation_Accepted_AnswersExactlyTheReturnElement()
    {
        var reply = await Server.PostAsync(
            Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), fixture.CompanyA.Handle, [PostgresServerFixture.Url(fixture.CompanyA, "shoe")]),
            "\"cdnCacheInvalidation\"");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(
            "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
            + "<soapenv:Body><cdnCacheInvalidationReturn xmlns=\"http://www.scene7.com/IpsApi/xsd/2012-02-14\">"
            + "<invalidationHandle>HANDLE</invalidationHandle><estimatedSeconds>1</estimatedSeconds>"
            + "</cdnCacheInvalidationReturn></soapenv:Body></soapenv:Envelope>",
            reply.BodyWithHandlePlaceholder());
        Assert.StartsWith($"i|{fixture.CompanyA.Id}|", reply.Handle, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetCdnCacheInvalidationStatus_NoWorkerYet_SaysReceivedTruthfully()
    {
        var handle = (await Accept(fixture.Admin, fixture.CompanyA, "a", "b")).Handle;
        var reply = await Server.PostAsync(Envelopes.Status(Envelopes.AuthHeader(fixture.Admin), handle), "getCdnCacheInvalidationStatus");

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(
            "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
            + "<soapenv:Body><getCdnCacheInvalidationStatusReturn xmlns=\"http://www.scene7.com/IpsApi/xsd/2012-02-14\">"
            + "<status>Received</status><estimatedSeconds>1</estimatedSeconds><successCount>0</successCount>"
            + "<warningCount>0</warningCount><errorCount>0</errorCount>"
            + "</getCdnCacheInvalidationStatusReturn></soapenv:Body></soapenv:Envelope>",
            reply.Body);
    }

    [Theory]
    [InlineData("a{b}", "'{' at position")]
    [InlineData("a|b", "'|' at position")]
    [InlineData("a\"b", "'\"' at position")]
    [InlineData("a%zz", "the '%' at position")]
    public async Task CdnCacheInvalidation_UrlNoCacheHoldsAsWritten_FaultsWholeRequestNamingIt_NothingStored(string path, string why)
    {
        var company = await Server.AddCompanyAsync();
        var good = PostgresServerFixture.Url(company, "good");
        var bad = PostgresServerFixture.Url(company, path);
        var reply = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), company.Handle, [good, bad]));

        Assert.Equal(("ipsApiFault", 30001), (reply.Fault.Element, reply.Fault.Code));
        Assert.Contains($"1 of 2 URLs refused; nothing was invalidated. URL 2 '{bad}': ", reply.Fault.Reason, StringComparison.Ordinal);
        Assert.Contains(why, reply.Fault.Reason, StringComparison.Ordinal);
        Assert.Equal(0, await Server.WithDbAsync(db => db.InvalidationRequests.CountAsync(r => r.CompanyId == company.Id)));
    }

    [Fact]
    public async Task CdnCacheInvalidation_Accepted_StoresTheCanonicalPurgeTargetBesideEachUrlAsSent()
    {
        var company = await Server.AddCompanyAsync();
        var host = company.PublishHosts[0];
        string[] urls = [$"HTTPS://{host.ToUpperInvariant()}:443/is/image/{company.RootId}/%41", $"https://{host}/is/image/{company.RootId}/%41", $"http://{host}:80/is/image/{company.RootId}/b?x=%7e"];

        var reply = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), company.Handle, urls));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var batch = await Server.WithDbAsync(db => db.NotificationBatches.AsNoTracking().SingleAsync(b => b.CompanyId == company.Id));
        Assert.Equal([urls[0], urls[2]], batch.Urls);
        Assert.Equal([$"https://{host}/is/image/{company.RootId}/%41", $"http://{host}/is/image/{company.RootId}/b?x=%7e"], batch.Targets);
        Assert.Equal(2, batch.UrlCount);
    }

    [Fact]
    public async Task CdnCacheInvalidation_UrlsThatAreTheirOwnTargets_AreStoredOnce()
    {
        var company = await Server.AddCompanyAsync();
        string[] urls = [PostgresServerFixture.Url(company, "%41"), PostgresServerFixture.Url(company, "b?x=%7E")];

        var reply = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), company.Handle, urls));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var batch = await Server.WithDbAsync(db => db.NotificationBatches.AsNoTracking().SingleAsync(b => b.CompanyId == company.Id));
        Assert.Equal(urls, batch.Urls);
        Assert.Empty(batch.Targets);
        Assert.Equal(urls, IpsApi.Core.Purge.PurgeTarget.Of(batch).Select(t => t.Canonical));
    }

    [Fact]
    public async Task CdnCacheInvalidation_Accepted_StoresRequestBatchesAndAuditInOneGo()
    {
        var company = await Server.AddCompanyAsync();
        var urls = Enumerable.Range(0, 250).Select(i => PostgresServerFixture.Url(company, $"img-{i}?$thumb$")).ToList();
        var reply = await Server.PostAsync(Envelopes.Invalidate(
            Envelopes.AuthHeader(fixture.Admin, "<auth:appName>Legacy DAM</auth:appName><auth:appVersion>4.2</auth:appVersion>"),
            company.Handle, urls));
        Assert.Equal(HttpStatusCode.OK, reply.Status);

        var stored = await Server.WithDbAsync(db => db.InvalidationRequests.AsNoTracking().Include(r => r.Batches)
            .SingleAsync(r => r.CompanyId == company.Id));
        Assert.Equal(250, stored.UrlCount);
        Assert.Equal(reply.Handle, stored.Handle);
        Assert.Equal(fixture.Admin.Id, stored.UserId);
        Assert.Equal([100, 100, 50], stored.Batches.OrderBy(b => b.Sequence).Select(b => b.Urls.Count));
        Assert.Equal(urls, stored.Batches.OrderBy(b => b.Sequence).SelectMany(b => b.Urls));
        Assert.All(stored.Batches, b => Assert.Equal(InvalidationStatus.Received, b.Status));

        var audit = await Server.WithDbAsync(db => db.AuditRecords.AsNoTracking().SingleAsync(a => a.RequestId == stored.Id));
        Assert.Equal((fixture.Admin.Email, "Legacy DAM", "4.2", "127.0.0.1"), (audit.UserEmail, audit.AppName, audit.AppVersion, audit.ClientAddress));
    }

    [Fact]
    public async Task CdnCacheInvalidation_1000Urls_IsAcceptedInTenBatches()
    {
        var company = await Server.AddCompanyAsync();
        var reply = await Accept(fixture.Admin, company, [.. Enumerable.Range(0, 1000).Select(i => $"p{i}")]);
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var sizes = await Server.WithDbAsync(db => db.NotificationBatches.AsNoTracking()
            .Where(b => db.InvalidationRequests.Any(r => r.Id == b.RequestId && r.CompanyId == company.Id))
            .Select(b => b.Urls.Count).ToListAsync());
        Assert.Equal(Enumerable.Repeat(100, 10), sizes);
    }

    [Fact]
    public async Task CdnCacheInvalidation_1000UrlsOf2048Characters_FitsTheBodyLimit()
    {
        var company = await Server.AddCompanyAsync();
        var prefix = PostgresServerFixture.Url(company, "");
        var urls = Enumerable.Range(0, 1000).Select(i => prefix + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture).PadRight(2048 - prefix.Length, 'x')).ToList();
        Assert.All(urls, u => Assert.Equal(2048, u.Length));

        var reply = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), company.Handle, urls));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(1000, await Server.WithDbAsync(db => db.InvalidationRequests.Where(r => r.CompanyId == company.Id).SumAsync(r => r.UrlCount)));
    }

    [Fact]
    public async Task CdnCacheInvalidation_1001Urls_FaultsWith30003AndStoresNothing()
    {
        var company = await Server.AddCompanyAsync();
        var reply = await Accept(fixture.Admin, company, [.. Enumerable.Range(0, 1001).Select(i => $"p{i}")]);

        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        var (element, code, reason) = reply.Fault;
        Assert.Equal(("ipsApiFault", 30003), (element, code));
        Assert.Contains("urlArray holds 1001 items; at most 1000 URLs may be invalidated in one request.", reason, StringComparison.Ordinal);
        Assert.Equal(0, await CountRowsAsync(company.Id));
    }

    [Fact]
    public async Task CdnCacheInvalidation_NoUrls_FaultsWith30002()
    {
        var reply = await Accept(fixture.Admin, fixture.CompanyA);
        Assert.Equal(("ipsApiFault", 30002, "No URLs entered to be invalidated."), reply.Fault);
    }

    [Fact]
    public async Task CdnCacheInvalidation_UrlOutsideRoot_FaultsWholeRequestAndLeavesNoRows()
    {
        var company = await Server.AddCompanyAsync();
        var urls = Enumerable.Range(0, 300).Select(i => PostgresServerFixture.Url(company, $"ok-{i}")).ToList();
        urls[206] = $"https://{company.PublishHosts[0]}/is/image/{fixture.CompanyB.RootId}/theirs";
        var before = await CountRowsAsync(company.Id);

        var reply = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), company.Handle, urls));

        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        Assert.Equal(
            ("ipsApiFault", 30001,
             $"Some URLs are not defined correctly. Correct and resubmit. 1 of 300 URLs refused; nothing was invalidated. URL 207 '{urls[206]}': "
             + $"its path is not under /is/image/{company.RootId}/ or /is/content/{company.RootId}/."),
            reply.Fault);
        Assert.Equal(0, before);
        Assert.Equal(0, await CountRowsAsync(company.Id));
        Assert.Equal(0, await Server.WithDbAsync(db => db.AuditRecords.CountAsync(a => db.InvalidationRequests.Any(r => r.Id == a.RequestId && r.CompanyId == company.Id))));
    }

    [Fact]
    public async Task CdnCacheInvalidation_DuplicateUrls_AreStoredOnce()
    {
        var company = await Server.AddCompanyAsync();
        var reply = await Accept(fixture.Admin, company, "a", "b", "a", "a?$x$");
        Assert.Equal(HttpStatusCode.OK, reply.Status);
        Assert.Equal(3, await Server.WithDbAsync(db => db.InvalidationRequests.Where(r => r.CompanyId == company.Id).Select(r => r.UrlCount).SingleAsync()));
    }

    [Fact]
    public async Task CdnCacheInvalidation_EmailConfirmation_IsStored()
    {
        var company = await Server.AddCompanyAsync();
        var email = "<ns:emailConfirmation><ns:ccOriginator>true</ns:ccOriginator><ns:ccOthersArray>"
            + "<ns:items>ops@example.test</ns:items><ns:items>dam@example.test</ns:items></ns:ccOthersArray></ns:emailConfirmation>";
        var reply = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), company.Handle, [PostgresServerFixture.Url(company, "a")], email));

        Assert.Equal(HttpStatusCode.OK, reply.Status);
        var stored = await Server.WithDbAsync(db => db.InvalidationRequests.AsNoTracking().SingleAsync(r => r.CompanyId == company.Id));
        Assert.True(stored.EmailCcOriginator);
        Assert.Equal(["ops@example.test", "dam@example.test"], stored.EmailOthers);
    }

    [Fact]
    public async Task CdnCacheInvalidation_MalformedEmail_FaultsWith30001()
    {
        var email = "<ns:emailConfirmation><ns:ccOthersArray><ns:items>ops@example.test</ns:items><ns:items>not an address</ns:items></ns:ccOthersArray></ns:emailConfirmation>";
        var reply = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), fixture.CompanyA.Handle, [PostgresServerFixture.Url(fixture.CompanyA, "a")], email));
        Assert.Equal(("ipsApiFault", 30001, "ccOthersArray address 2 'not an address' is not a well-formed email address."), reply.Fault);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(6)]
    public async Task CdnCacheInvalidation_FiveEmailAddressesPass_SixFaultWith30003SayingAtMostFive_StoringNothing(int addresses)
    {
        var company = await Server.AddCompanyAsync();
        var items = string.Concat(Enumerable.Range(0, addresses).Select(i => $"<ns:items>u{i}@example.test</ns:items>"));
        var reply = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), company.Handle,
            [PostgresServerFixture.Url(company, "a")], $"<ns:emailConfirmation><ns:ccOthersArray>{items}</ns:ccOthersArray></ns:emailConfirmation>"));

        if (addresses == 5)
        {
            Assert.Equal(HttpStatusCode.OK, reply.Status);
            Assert.Equal(5, (await Server.WithDbAsync(db => db.InvalidationRequests.AsNoTracking().SingleAsync(r => r.CompanyId == company.Id))).EmailOthers.Count);
            return;
        }

        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        var (element, code, reason) = reply.Fault;
        Assert.Equal(("ipsApiFault", 30003), (element, code));
        Assert.StartsWith(
            "The request does not match the IpsApi schema: ccOthersArray holds 6 addresses; at most 5 may be given.",
            reason,
            StringComparison.Ordinal);
        Assert.Equal(0, await CountRowsAsync(company.Id));
    }

    private Task<SoapReply> Accept(TestUser user, IpsApi.Core.Companies.Company company, params string[] paths) =>
        Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(user), company.Handle, paths.Select(p => PostgresServerFixture.Url(company, p))));

    private Task<int> CountRowsAsync(int companyId) => Server.WithDbAsync(async db =>
        await db.InvalidationRequests.CountAsync(r => r.CompanyId == companyId)
        + await db.NotificationBatches.CountAsync(b => db.InvalidationRequests.Any(r => r.Id == b.RequestId && r.CompanyId == companyId)));
}
