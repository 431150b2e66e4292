namespace IpsApi.Core.Faults;

/// <summary>Thrown to answer a call with an IPS fault.</summary>
public sealed class IpsFaultException(IpsFault fault) : Exception(fault.Reason)
{
    public IpsFault Fault { get; } = fault;
}
