using IpsApi.Contracts;
using IpsApi.Core.Faults;
using IpsApi.Core.Invalidation;

namespace IpsApi.Server.Soap;

/// <summary>The SOAP operations, run by the <see cref="SoapDispatcher"/>; the guard has authenticated the caller and validated the body.</summary>
public sealed class IpsApiSoapService(IHttpContextAccessor accessor, InvalidationService invalidations) : IIpsApiService
{
    public async Task<CdnCacheInvalidationResponse> CdnCacheInvalidationAsync(CdnCacheInvalidationRequest request)
    {
        var (call, cancellationToken) = Call(OperationNames.CdnCacheInvalidation);
        var param = request.Param;
        var confirmation = param.EmailConfirmation;
        var accepted = await invalidations.AcceptAsync(
            call.Caller,
            new InvalidationCommand(
                param.CompanyHandle,
                param.UrlArray?.Items ?? [],
                EmailCcOriginator: confirmation is { CcOriginatorSpecified: true, CcOriginator: true },
                EmailOthers: confirmation?.CcOthersArray?.Items),
            cancellationToken);
        return new CdnCacheInvalidationResponse
        {
            Return = new CdnCacheInvalidationReturn
            {
                InvalidationHandle = accepted.InvalidationHandle,
                EstimatedSeconds = accepted.EstimatedSeconds,
            },
        };
    }

    public async Task<GetCdnCacheInvalidationStatusResponse> GetCdnCacheInvalidationStatusAsync(GetCdnCacheInvalidationStatusRequest request)
    {
        var (call, cancellationToken) = Call(OperationNames.GetCdnCacheInvalidationStatus);
        var progress = await invalidations.GetStatusAsync(call.Caller, request.Param.InvalidationHandle, cancellationToken);
        return new GetCdnCacheInvalidationStatusResponse
        {
            Return = new GetCdnCacheInvalidationStatusReturn
            {
                Status = progress.Status,
                EstimatedSeconds = progress.EstimatedSeconds,
                SuccessCount = progress.SuccessCount,
                WarningCount = progress.WarningCount,
                ErrorCount = progress.ErrorCount,
                WarningDetailArray = FaultArray(progress.Warnings),
                ErrorDetailArray = FaultArray(progress.Errors),
            },
        };
    }

    private static OperationFaultArray? FaultArray(IReadOnlyList<(int Code, string Reason)> faults) =>
        faults.Count == 0 ? null : new OperationFaultArray { Items = [.. faults.Select(f => new OperationFault { Code = f.Code, Reason = f.Reason })] };

    /// <summary>The guard's findings; it decided the operation from the body element, and the dispatcher must agree.</summary>
    private (IpsCall Call, CancellationToken CancellationToken) Call(string operation)
    {
        var http = accessor.HttpContext ?? throw new InvalidOperationException("No HTTP request in flight.");
        var call = http.Features.Get<IpsCall>() ?? throw new InvalidOperationException("The request did not pass the SOAP guard.");
        if (call.Operation != operation)
        {
            throw new IpsFaultException(IpsFault.InvalidRequestXml($"The request was dispatched to {operation} but its body names {call.Operation}."));
        }

        return (call, http.RequestAborted);
    }
}
