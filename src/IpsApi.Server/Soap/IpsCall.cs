using IpsApi.Core.Users;

namespace IpsApi.Server.Soap;

/// <summary>What the SOAP guard established about a request before it reaches the service.</summary>
public sealed record IpsCall(string Operation, Caller Caller, int? FaultHttpStatusCode);
