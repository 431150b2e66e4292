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

    public List<Company> Companies { get; set; } = [];

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();
}
