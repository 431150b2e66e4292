namespace IpsApi.Core.Faults;

/// <summary>Which detail element a fault carries.</summary>
public enum FaultKind
{
    /// <summary><c>authenticationFault</c>, codes 10000–10002.</summary>
    Authentication,

    /// <summary><c>authorizationFault</c>, codes 20000–20009.</summary>
    Authorization,

    /// <summary><c>ipsApiFault</c>, codes 30000–30003.</summary>
    IpsApi,
}
