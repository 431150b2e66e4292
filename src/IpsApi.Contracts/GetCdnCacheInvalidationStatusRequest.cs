using System.ServiceModel;

namespace IpsApi.Contracts;

[MessageContract(IsWrapped = false)]
public sealed class GetCdnCacheInvalidationStatusRequest
{
    [MessageHeader(Name = "authHeader", Namespace = IpsApiNamespaces.Common)]
    public AuthHeader? AuthHeader { get; set; }

    [MessageBodyMember(Name = "getCdnCacheInvalidationStatusParam", Namespace = IpsApiNamespaces.Body, Order = 0)]
    public GetCdnCacheInvalidationStatusParam Param { get; set; } = new();
}
