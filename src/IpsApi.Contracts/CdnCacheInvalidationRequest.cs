using System.ServiceModel;

namespace IpsApi.Contracts;

[MessageContract(IsWrapped = false)]
public sealed class CdnCacheInvalidationRequest
{
    [MessageHeader(Name = "authHeader", Namespace = IpsApiNamespaces.Common)]
    public AuthHeader? AuthHeader { get; set; }

    [MessageBodyMember(Name = "cdnCacheInvalidationParam", Namespace = IpsApiNamespaces.Body, Order = 0)]
    public CdnCacheInvalidationParam Param { get; set; } = new();
}
