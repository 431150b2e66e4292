namespace IpsApi.Server.Soap;

/// <summary>The body is not a SOAP envelope this service can read.</summary>
public sealed class SoapReadException(string message) : Exception(message);
