using System.ServiceModel;

namespace IpsApi.Contracts;

[MessageContract(IsWrapped = false)]
public sealed class GetCdnCacheInvalidationStatusResponse
{
    [MessageBodyMember(Name = "getCdnCacheInvalidationStatusReturn", Namespace = IpsApiNamespaces.Body, Order = 0)]
    public GetCdnCacheInvalidationStatusReturn Return { get; set; } = new();
}
