using System.Net;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Wire;

/// <summary>
/// <c>authHeader/faultHttpStatusCode</c> is honoured only for statuses that carry a body (200, 4xx, 5xx);
/// any other is ignored and the fault answered with 500, so every fault reaches the caller whole.
/// </summary>
public sealed class FaultHttpStatusCodeTests(LoggedServerFixture fixture) : IClassFixture<LoggedServerFixture>
{
    [Theory]
    [InlineData(200, HttpStatusCode.OK)]
    [InlineData(400, HttpStatusCode.BadRequest)]
    [InlineData(503, HttpStatusCode.ServiceUnavailable)]
    [InlineData(204, HttpStatusCode.InternalServerError)]
    [InlineData(205, HttpStatusCode.InternalServerError)]
    [InlineData(304, HttpStatusCode.InternalServerError)]
    [InlineData(301, HttpStatusCode.InternalServerError)]
    [InlineData(299, HttpStatusCode.InternalServerError)]
    public async Task FaultHttpStatusCode_IsHonouredOnlyWhenTheFaultCanBeSentWithIt(int requested, HttpStatusCode expected)
    {
        var header = Envelopes.AuthHeader(fixture.Admin, $"<auth:faultHttpStatusCode>{requested}</auth:faultHttpStatusCode>");
        var before = fixture.TextLog.Events.Count;

        var serviceFault = await fixture.TextServer.PostAsync(Envelopes.Invalidate(header, "c|999999", [PostgresServerFixture.Url(fixture.Company, "a")]));
        var guardFault = await fixture.TextServer.PostAsync(
            Envelopes.Invalidate(header, fixture.Company.Handle, ["x"]).Replace("<ns:urlArray>", "<ns:bogus/><ns:urlArray>", StringComparison.Ordinal));

        Assert.Equal((expected, 20000), (serviceFault.Status, serviceFault.Fault.Code));
        Assert.Equal((expected, 30003), (guardFault.Status, guardFault.Fault.Code));
        Assert.Empty(fixture.TextLog.Problems(before));
    }

    [Theory]
    [InlineData("100")]
    [InlineData("199")]
    [InlineData("600")]
    public async Task FaultHttpStatusCode_OutsideTheRange_IsA30003AnsweredWith500(string requested)
    {
        var header = Envelopes.AuthHeader(fixture.Admin, $"<auth:faultHttpStatusCode>{requested}</auth:faultHttpStatusCode>");
        var before = fixture.TextLog.Events.Count;

        var reply = await fixture.TextServer.PostAsync(Envelopes.Invalidate(header, fixture.Company.Handle, [PostgresServerFixture.Url(fixture.Company, "a")]));

        Assert.Equal((HttpStatusCode.InternalServerError, 30003), (reply.Status, reply.Fault.Code));
        Assert.Contains("faultHttpStatusCode", reply.Fault.Reason, StringComparison.Ordinal);
        Assert.Empty(fixture.TextLog.Problems(before));
    }
}
