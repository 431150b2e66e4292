namespace IpsApi.Core.Users;

/// <summary>A user whose credentials checked out, with what authorisation needs.</summary>
public sealed record AuthenticatedUser(int Id, string Email, Role Role, IReadOnlySet<int> CompanyIds);
