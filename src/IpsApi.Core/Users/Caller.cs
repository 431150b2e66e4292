namespace IpsApi.Core.Users;

/// <summary>Who is calling, and from where, for authorisation and the audit record.</summary>
public sealed record Caller(AuthenticatedUser User, string? AppName, string? AppVersion, string? ClientAddress);
