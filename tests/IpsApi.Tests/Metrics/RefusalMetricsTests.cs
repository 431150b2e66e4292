using IpsApi.Core.Faults;
using IpsApi.Core.Metrics;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Metrics;

/// <summary>Refusals are counted under their outcome, whichever interface they came through; refused credentials under their reason.</summary>
[Collection(nameof(MetricsCollection))]
public sealed class RefusalMetricsTests
{
    [Fact]
    public async Task RequestRefusedByARule_CountsAsRefused_ThroughSoapAndTheJsonApi_WithNoUrlsCounted()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?> { ["Purge:Workers"] = "0" });
        var before = await MetricsScrape.GetAsync(stack.Server.Http);

        var soap = await stack.Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(stack.Admin), stack.Company.Handle, ["https://elsewhere.test/is/image/x"]));
        var json = await stack.Server.PostAsync(JsonApi.Company(stack.Company.Handle), JsonApi.Basic(stack.Admin), JsonApi.UrlsBody("https://elsewhere.test/is/image/y"));

        Assert.Equal(FaultCodes.InvalidParameter, soap.Fault.Code);
        Assert.Equal(400, (int)json.Status);
        var after = await MetricsScrape.GetAsync(stack.Server.Http);
        Assert.Equal(2, after.Sum("ipsapi_invalidations_total", ("kind", "manual"), ("scope", "urls"), ("outcome", "refused"))
            - before.Sum("ipsapi_invalidations_total", ("kind", "manual"), ("scope", "urls"), ("outcome", "refused")));
        Assert.Equal(0, after.Sum("ipsapi_invalidations_total", ("outcome", "accepted")) - before.Sum("ipsapi_invalidations_total", ("outcome", "accepted")));
        Assert.Equal(0, after.Sum("ipsapi_invalidation_urls_total") - before.Sum("ipsapi_invalidation_urls_total"));
    }

    [Fact]
    public async Task WrongPasswordAndUnknownApiKey_CountAsAuthFailuresWithTheirReasons()
    {
        await using var stack = await PurgeStack.StartAsync(new Dictionary<string, string?> { ["Purge:Workers"] = "0" });
        var before = await MetricsScrape.GetAsync(stack.Server.Http);

        var soap = await stack.Server.PostAsync(Envelopes.Invalidate(Envelopes.AuthHeader(stack.Admin.Email, "not-the-password"), stack.Company.Handle, [stack.Url("a")]));
        var json = await stack.Server.PostAsync(JsonApi.Company(stack.Company.Handle), JsonApi.Bearer("ipsk_0123456789ab_" + new string('x', 43)), JsonApi.UrlsBody(stack.Url("b")));

        Assert.Equal(FaultCodes.InvalidCredentials, soap.Fault.Code);
        Assert.Equal(401, (int)json.Status);
        var after = await MetricsScrape.GetAsync(stack.Server.Http);
        Assert.Equal(1, after.Sum("ipsapi_auth_failures_total", ("reason", "invalid_credentials")) - before.Sum("ipsapi_auth_failures_total", ("reason", "invalid_credentials")));
        Assert.Equal(1, after.Sum("ipsapi_auth_failures_total", ("reason", "invalid_api_key")) - before.Sum("ipsapi_auth_failures_total", ("reason", "invalid_api_key")));
        // Refused before the accept path: not an invalidation outcome.
        Assert.Equal(0, after.Sum("ipsapi_invalidations_total") - before.Sum("ipsapi_invalidations_total"));
    }

    [Fact]
    public void ServerFault_IsFaulted_EveryOtherFault_IsRefused()
    {
        Assert.Equal(InvalidationOutcomes.Faulted, IpsMetrics.OutcomeOf(IpsFault.OutcomeUnknown()));
        Assert.Equal(InvalidationOutcomes.Faulted, IpsMetrics.OutcomeOf(IpsFault.ServerException()));
        Assert.Equal(InvalidationOutcomes.Refused, IpsMetrics.OutcomeOf(IpsFault.InvalidParameter("x")));
        Assert.Equal(InvalidationOutcomes.Refused, IpsMetrics.OutcomeOf(IpsFault.NoOperationPermission("IpsUser", "x")));
    }
}
