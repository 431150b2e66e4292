using System.ServiceModel;

namespace IpsApi.Contracts;

/// <summary>
/// The CDN cache invalidation operations of the IPS API (port type <c>IpsApiPortType</c>).
/// Shared by the server and by .NET clients built on <c>ChannelFactory&lt;T&gt;</c>.
/// </summary>
[ServiceContract(Name = "IpsApiPortType", Namespace = IpsApiNamespaces.Wsdl)]
[XmlSerializerFormat(Style = OperationFormatStyle.Document, Use = OperationFormatUse.Literal, SupportFaults = true)]
public interface IIpsApiService
{
    [OperationContract(Name = OperationNames.CdnCacheInvalidation, Action = OperationNames.CdnCacheInvalidation, ReplyAction = "*")]
    [FaultContract(typeof(AuthenticationFault), Name = "authenticationFault", Namespace = IpsApiNamespaces.Common)]
    [FaultContract(typeof(AuthorizationFault), Name = "authorizationFault", Namespace = IpsApiNamespaces.Common)]
    [FaultContract(typeof(IpsApiFault), Name = "ipsApiFault", Namespace = IpsApiNamespaces.Common)]
    Task<CdnCacheInvalidationResponse> CdnCacheInvalidationAsync(CdnCacheInvalidationRequest request);

    [OperationContract(Name = OperationNames.GetCdnCacheInvalidationStatus, Action = OperationNames.GetCdnCacheInvalidationStatus, ReplyAction = "*")]
    [FaultContract(typeof(AuthenticationFault), Name = "authenticationFault", Namespace = IpsApiNamespaces.Common)]
    [FaultContract(typeof(AuthorizationFault), Name = "authorizationFault", Namespace = IpsApiNamespaces.Common)]
    [FaultContract(typeof(IpsApiFault), Name = "ipsApiFault", Namespace = IpsApiNamespaces.Common)]
    Task<GetCdnCacheInvalidationStatusResponse> GetCdnCacheInvalidationStatusAsync(GetCdnCacheInvalidationStatusRequest request);
}
