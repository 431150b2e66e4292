using System.Net.Mail;
using IpsApi.Core.Companies;
using IpsApi.Core.Faults;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Core.Users;

/// <summary>
/// Adding users and setting their passwords, for every front end. Only an IpsAdmin manages users. An email is a
/// login (stored lower case); a password has at least <see cref="MinPasswordLength"/> characters and is stored only
/// as a PBKDF2 hash. Refusals are <see cref="InvalidSettingException"/>s naming the setting.
/// </summary>
public sealed class UserAccounts(IpsDbContext db, TimeProvider clock)
{
    public const int MinPasswordLength = 8;
    public const int MaxEmailLength = 254;

    /// <summary>The operation name a refused role is told about (fault 20003).</summary>
    public const string ManageOperation = "manageUsers";

    /// <summary>The login as stored: trimmed, lower case, a plain address.</summary>
    public static string Email(string? value)
    {
        var address = User.NormalizeEmail(value ?? "");
        return address.Length <= MaxEmailLength && MailAddress.TryCreate(address, out var parsed) && parsed.Address == address
            ? address
            : throw new InvalidSettingException("email", $"'{value}' is not an email address");
    }

    public static string Password(string? value) =>
        value is { Length: >= MinPasswordLength } ? value : throw new InvalidSettingException("password", $"must be at least {MinPasswordLength} characters");

    /// <summary>What a new user of this role and these companies can do, when that is less than it may look: null when nothing to say.</summary>
    public static string? Caveat(Role role, int companyCount) =>
        !CompanyAccess.MayCallOperations(role)
            ? $"a {role} may not call the API (its calls get authorizationFault 20003); only IpsAdmin and IpsCompanyAdmin may."
        : role == Role.IpsCompanyAdmin && companyCount == 0 ? "an IpsCompanyAdmin without a company may not invalidate anything yet."
        : null;

    public async Task<User> AddAsync(Caller caller, string? email, string? password, Role role, IReadOnlyList<string> companyHandles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(companyHandles);
        RequireManager(caller.User);
        var address = Email(email);
        var user = new User
        {
            Email = address,
            PasswordHash = PasswordHasher.Hash(Password(password)),
            Role = Enum.IsDefined(role) ? role : throw new InvalidSettingException("role", $"'{role}' is not an IPS role"),
            CreatedAt = clock.GetUtcNow(),
        };
        if (await db.Users.AnyAsync(u => u.Email == address, cancellationToken))
        {
            throw new InvalidSettingException("email", $"{address} is a user already");
        }

        foreach (var handle in companyHandles)
        {
            var company = CompanyHandle.TryParse(handle, out var id) ? await db.Companies.FindAsync([id], cancellationToken) : null;
            user.Companies.Add(company ?? throw new InvalidSettingException("company", $"'{handle}' is not a company handle (see 'company list')"));
        }

        db.Users.Add(user);
        await db.SaveChangesAsync(cancellationToken);
        return user;
    }

    public async Task<User> SetPasswordAsync(Caller caller, string? email, string? password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        RequireManager(caller.User);
        var address = Email(email);
        var hash = PasswordHasher.Hash(Password(password));
        var user = await db.Users.SingleOrDefaultAsync(u => u.Email == address, cancellationToken)
            ?? throw new InvalidSettingException("email", $"{address} is no user");
        user.PasswordHash = hash;
        await db.SaveChangesAsync(cancellationToken);
        return user;
    }

    public async Task<IReadOnlyList<User>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        RequireManager(caller.User);
        return await db.Users.AsNoTracking().Include(u => u.Companies).OrderBy(u => u.Email).ToListAsync(cancellationToken);
    }

    private static void RequireManager(AuthenticatedUser user)
    {
        if (user.Role != Role.IpsAdmin)
        {
            throw new IpsFaultException(IpsFault.NoOperationPermission(user.Role.ToString(), ManageOperation));
        }
    }
}
