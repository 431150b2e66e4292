using IpsApi.Core.Companies;

namespace IpsApi.Core.Users;

public sealed class User
{
    public int Id { get; set; }

    /// <summary>The login, stored lower case.</summary>
    public required string Email { get; set; }

    /// <summary>Salted PBKDF2 hash in the <see cref="PasswordHasher"/> format; never the password.</summary>
    public required string PasswordHash { get; set; }

    public Role Role { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// Set while the user is disabled: every login is refused with the same fault as a wrong password, whatever the
    /// password, until the user is enabled again (nothing else about the user changes).
    /// </summary>
    public DateTimeOffset? DisabledAt { get; set; }

    public List<Company> Companies { get; set; } = [];

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
