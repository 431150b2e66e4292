using System.Security.Cryptography;
using IpsApi.Core.Persistence;
using IpsApi.Core.Users.Throttling;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Core.Users;

/// <summary>
/// Checks an email and password against the stored PBKDF2 hash.
/// An unknown user costs the same PBKDF2 work as a wrong password, so timing tells nothing.
/// A successful check is remembered for a few minutes as an HMAC of the password under a key
/// that lives only in this process, tied to the stored hash it matched: a changed password
/// (a different stored hash) forgets it at once, and failures are never remembered.
/// Password hashes wait for a thread of the <see cref="PasswordHashGate"/>.
/// </summary>
public sealed class CredentialVerifier(IpsDbContext db, VerifiedCredentialCache cache, PasswordHashGate gate)
{
    private static readonly string DummyHash = PasswordHasher.Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));

    public async Task<CredentialCheck> VerifyAsync(string email, string password, CancellationToken cancellationToken)
    {
        var normalized = User.NormalizeEmail(email);
        // An Include, not a projection with a nested list: EF compiles a delegate on every run of the latter.
        var user = await db.Users.AsNoTracking().Include(u => u.Companies)
            .SingleOrDefaultAsync(u => u.Email == normalized, cancellationToken);

        if (user is not null && cache.IsRemembered(user.Email, password, user.PasswordHash))
        {
            return Verified(user);
        }

        var matches = await gate.VerifyAsync(password, user?.PasswordHash ?? DummyHash, cancellationToken);
        if (matches is null)
        {
            return CredentialCheck.Busy;
        }

        if (!matches.Value)
        {
            return CredentialCheck.Invalid;
        }

        cache.Remember(user!.Email, password, user.PasswordHash);
        return Verified(user);
    }

    private static CredentialCheck Verified(User user) =>
        new(CredentialOutcome.Verified, new AuthenticatedUser(user.Id, user.Email, user.Role, user.Companies.Select(c => c.Id).ToHashSet()));
}
