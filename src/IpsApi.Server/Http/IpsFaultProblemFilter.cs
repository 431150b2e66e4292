using IpsApi.Core.Faults;

namespace IpsApi.Server.Http;

/// <summary>
/// Answers an <see cref="IpsFaultException"/> raised by the core's rules as problem details (<see cref="IpsProblems"/>),
/// so that endpoints call the core and let its faults speak for themselves.
/// </summary>
public sealed class IpsFaultProblemFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(context);
        }
        catch (IpsFaultException e)
        {
            return IpsProblems.Result(context.HttpContext, e.Fault);
        }
    }
}
