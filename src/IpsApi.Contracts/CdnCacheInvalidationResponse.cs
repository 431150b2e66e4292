using System.ServiceModel;

namespace IpsApi.Contracts;

[MessageContract(IsWrapped = false)]
public sealed class CdnCacheInvalidationResponse
{
    [MessageBodyMember(Name = "cdnCacheInvalidationReturn", Namespace = IpsApiNamespaces.Body, Order = 0)]
    public CdnCacheInvalidationReturn Return { get; set; } = new();
}
