namespace IpsApi.Core.Users;

/// <summary>Who is calling, and from where, for authorisation and the audit record.</summary>
public sealed record Caller(AuthenticatedUser User, string? AppName, string? AppVersion, string? ClientAddress)
{
    /// <summary>
    /// The operator at the server's command line (<c>ipsapi invalidation …</c>): an IpsAdmin that is no stored
    /// user (<see cref="AuthenticatedUser.OperatorId"/>), recorded as <c>cli:</c> and the operating-system account.
    /// </summary>
    public static Caller Operator(string account) =>
        new(new AuthenticatedUser(AuthenticatedUser.OperatorId, $"cli:{account}", Role.IpsAdmin, new HashSet<int>()), "ipsapi", null, null);
}
