namespace IpsApi.Core.Users;

/// <summary>A user whose credentials checked out, with what authorisation needs.</summary>
public sealed record AuthenticatedUser(int Id, string Email, Role Role, IReadOnlySet<int> CompanyIds)
{
    /// <summary>The id of <see cref="Caller.Operator"/>: stored ids start at 1.</summary>
    public const int OperatorId = 0;

    /// <summary>The stored user's id, or null for the operator.</summary>
    public int? StoredId => Id == OperatorId ? null : Id;
}
