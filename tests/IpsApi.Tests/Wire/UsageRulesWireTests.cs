using System.Net;
using IpsApi.Core.Companies;
using IpsApi.Tests.Support;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Tests.Wire;

/// <summary>What a SOAP client sees when a usage rule refuses its call.</summary>
public sealed class UsageRulesWireTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    private TestServer Server => fixture.Server;

    [Fact]
    public async Task CdnCacheInvalidation_OverRequestsPerMinute_AnswersClientFault30001WithRetryAfter()
    {
        var company = await CompanyAsync(c => c.RequestsPerMinute = 1);
        var first = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), company.Handle, [PostgresServerFixture.Url(company, "a")]));
        Assert.Equal(HttpStatusCode.OK, first.Status);

        var reply = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), company.Handle, [PostgresServerFixture.Url(company, "b")]));

        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        Assert.Equal("soapenv:Client", (string)reply.Xml.Descendants("faultcode").Single());
        Assert.Equal(("ipsApiFault", 30001), (reply.Fault.Element, reply.Fault.Code));
        Assert.Matches(
            $@"^Usage limit reached: company {System.Text.RegularExpressions.Regex.Escape(company.Handle)} may make at most 1 invalidation requests per minute; 1 were accepted in the last minute\. "
            + @"The limit allows another at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\. Nothing was invalidated\.$",
            reply.Fault.Reason);
        var retryAfter = reply.Response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        // The window ends at most 60 s from now; the time told is that instant rounded up to the whole second,
        // and Retry-After counts whole seconds up to it: at most 61.
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 61);
        Assert.Equal(1, await Server.WithDbAsync(db => db.InvalidationRequests.CountAsync(r => r.CompanyId == company.Id)));
    }

    [Fact]
    public async Task CdnCacheInvalidation_CompanySwitchedOff_AnswersAuthorizationFault20009WithoutRetryAfter()
    {
        var company = await CompanyAsync(c => c.InvalidationEnabled = false);

        var reply = await Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(fixture.Admin), company.Handle, [PostgresServerFixture.Url(company, "a")]));

        Assert.Equal(HttpStatusCode.InternalServerError, reply.Status);
        Assert.Equal(("authorizationFault", 20009, $"Invalidation is disabled for company {company.Handle}; nothing was invalidated."), reply.Fault);
        Assert.Null(reply.Response.Headers.RetryAfter);
        Assert.Equal(0, await Server.WithDbAsync(db => db.InvalidationRequests.CountAsync(r => r.CompanyId == company.Id)));
    }

    /// <summary>A company of its own, its rules set before any call reads it.</summary>
    private async Task<Company> CompanyAsync(Action<Company> rules)
    {
        var company = await Server.AddCompanyAsync();
        await Server.WithDbAsync(async db =>
        {
            var row = await db.Companies.SingleAsync(c => c.Id == company.Id);
            rules(row);
            return await db.SaveChangesAsync();
        });
        return company;
    }
}
