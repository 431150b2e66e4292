using System.ServiceModel;
using IpsApi.Contracts;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Wire;

/// <summary>What a .NET app with a generated WCF proxy does: ChannelFactory over BasicHttpBinding, typed faults.</summary>
public sealed class WcfClientTests(PostgresServerFixture fixture) : IClassFixture<PostgresServerFixture>
{
    [Fact]
    public async Task ChannelFactory_AcceptsThenReportsStatus()
    {
        var client = Open(new BasicHttpBinding());
        var accepted = await client.CdnCacheInvalidationAsync(new CdnCacheInvalidationRequest
        {
            AuthHeader = Header(fixture.Admin),
            Param = new CdnCacheInvalidationParam
            {
                CompanyHandle = fixture.CompanyA.Handle,
                UrlArray = new UrlArray { Items = [PostgresServerFixture.Url(fixture.CompanyA, "wcf-1"), PostgresServerFixture.Url(fixture.CompanyA, "wcf-2?$x$")] },
                EmailConfirmation = new EmailConfirmation { CcOriginator = true, CcOriginatorSpecified = true },
            },
        });
        var status = await client.GetCdnCacheInvalidationStatusAsync(new GetCdnCacheInvalidationStatusRequest
        {
            AuthHeader = Header(fixture.Admin),
            Param = new GetCdnCacheInvalidationStatusParam { InvalidationHandle = accepted.Return.InvalidationHandle },
        });

        Assert.Matches(SoapReply.HandlePattern(), accepted.Return.InvalidationHandle);
        Assert.Equal(1, accepted.Return.EstimatedSeconds);
        Assert.Equal(("Received", 0, 0), (status.Return.Status, status.Return.SuccessCount, status.Return.ErrorCount));
    }

    [Fact]
    public async Task ChannelFactory_UrlOutsideRoot_ThrowsTypedIpsApiFault()
    {
        var client = Open(new BasicHttpBinding());
        var fault = await Assert.ThrowsAsync<FaultException<IpsApiFault>>(() => client.CdnCacheInvalidationAsync(new CdnCacheInvalidationRequest
        {
            AuthHeader = Header(fixture.Admin),
            Param = new CdnCacheInvalidationParam
            {
                CompanyHandle = fixture.CompanyA.Handle,
                UrlArray = new UrlArray { Items = [PostgresServerFixture.Url(fixture.CompanyA, "ok"), PostgresServerFixture.Url(fixture.CompanyB, "theirs")] },
            },
        }));

        Assert.Equal(30001, fault.Detail.Code);
        Assert.Contains("URL 2 ", fault.Detail.Reason, StringComparison.Ordinal);
        Assert.Equal("Client", fault.Code.Name);
    }

    [Fact]
    public async Task ChannelFactory_WrongPassword_ThrowsTypedAuthenticationFault()
    {
        var client = Open(new BasicHttpBinding());
        var fault = await Assert.ThrowsAsync<FaultException<AuthenticationFault>>(() => client.GetCdnCacheInvalidationStatusAsync(new GetCdnCacheInvalidationStatusRequest
        {
            AuthHeader = new AuthHeader { User = fixture.Admin.Email, Password = "not-it" },
            Param = new GetCdnCacheInvalidationStatusParam { InvalidationHandle = "i|1|1|AAAAAAAAAAAAAAAAAAAAAA" },
        }));
        Assert.Equal(10001, fault.Detail.Code);
    }

    [Fact]
    public async Task ChannelFactory_ForeignCompany_ThrowsTypedAuthorizationFault()
    {
        var client = Open(new BasicHttpBinding());
        var fault = await Assert.ThrowsAsync<FaultException<AuthorizationFault>>(() => client.CdnCacheInvalidationAsync(new CdnCacheInvalidationRequest
        {
            AuthHeader = Header(fixture.CompanyAdminA),
            Param = new CdnCacheInvalidationParam
            {
                CompanyHandle = fixture.CompanyB.Handle,
                UrlArray = new UrlArray { Items = [PostgresServerFixture.Url(fixture.CompanyB, "x")] },
            },
        }));
        Assert.Equal(20000, fault.Detail.Code);
    }

    [Fact]
    public async Task ChannelFactory_BasicTransportCredentials_AnswerTheChallenge()
    {
        var binding = new BasicHttpBinding(BasicHttpSecurityMode.TransportCredentialOnly);
        binding.Security.Transport.ClientCredentialType = HttpClientCredentialType.Basic;
        var client = Open(binding, factory =>
        {
            factory.Credentials.UserName.UserName = fixture.Admin.Email;
            factory.Credentials.UserName.Password = fixture.Admin.Password;
        });

        var accepted = await client.CdnCacheInvalidationAsync(new CdnCacheInvalidationRequest
        {
            Param = new CdnCacheInvalidationParam
            {
                CompanyHandle = fixture.CompanyA.Handle,
                UrlArray = new UrlArray { Items = [PostgresServerFixture.Url(fixture.CompanyA, "basic")] },
            },
        });

        Assert.Matches(SoapReply.HandlePattern(), accepted.Return.InvalidationHandle);
    }

    private IIpsApiService Open(BasicHttpBinding binding, Action<ChannelFactory<IIpsApiService>>? configure = null)
    {
        var factory = new ChannelFactory<IIpsApiService>(binding, new EndpointAddress(fixture.Server.ServiceAddress));
        configure?.Invoke(factory);
        return factory.CreateChannel();
    }

    private static AuthHeader Header(TestUser user) => new() { User = user.Email, Password = user.Password, AppName = "wcf-test", AppVersion = "1.0" };
}
