using System.Net.Mail;
using IpsApi.Core.Companies;
using IpsApi.Core.Faults;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Core.Users;

/// <summary>
/// Adding, changing, disabling and removing users and setting their passwords, for every front end. Only an IpsAdmin manages users. An email is a
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

    /// <summary>
    /// Disables (or enables) the user: while disabled, every login is refused as a wrong password is, whatever the
    /// password (see <see cref="CredentialVerifier"/>). Doing it twice changes nothing.
    /// </summary>
    public async Task<User> SetDisabledAsync(Caller caller, string? email, bool disabled, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        RequireManager(caller.User);
        var user = await FindAsync(email, withCompanies: false, cancellationToken);
        if (disabled != user.DisabledAt.HasValue)
        {
            user.DisabledAt = disabled ? clock.GetUtcNow() : null;
            await db.SaveChangesAsync(cancellationToken);
        }

        return user;
    }

    /// <summary>
    /// Changes the user's role and, when <paramref name="companyHandles"/> is given, replaces its companies; what is not
    /// given stays as it is.
    /// </summary>
    public async Task<User> UpdateAsync(Caller caller, string? email, Role? role, IReadOnlyList<string>? companyHandles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        RequireManager(caller.User);
        var user = await FindAsync(email, withCompanies: true, cancellationToken);
        if (role is { } newRole)
        {
            user.Role = Enum.IsDefined(newRole) ? newRole : throw new InvalidSettingException("role", $"'{newRole}' is not an IPS role");
        }

        if (companyHandles is not null)
        {
            var companies = new List<Company>(companyHandles.Count);
            foreach (var handle in companyHandles.Distinct(StringComparer.Ordinal))
            {
                var company = CompanyHandle.TryParse(handle, out var id) ? await db.Companies.FindAsync([id], cancellationToken) : null;
                companies.Add(company ?? throw new InvalidSettingException("company", $"'{handle}' is not a company handle (see 'company list')"));
            }

            user.Companies.Clear();
            user.Companies.AddRange(companies);
        }

        await db.SaveChangesAsync(cancellationToken);
        return user;
    }

    /// <summary>
    /// Removes the user and its company memberships. A user who submitted invalidations is refused: the log and the audit
    /// record keep naming who asked, so such a user is disabled instead.
    /// </summary>
    public async Task<User> RemoveAsync(Caller caller, string? email, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        RequireManager(caller.User);
        var user = await FindAsync(email, withCompanies: true, cancellationToken);
        var id = user.Id;
        var submitted = await db.InvalidationRequests.CountAsync(r => r.UserId == id, cancellationToken);
        if (submitted > 0)
        {
            throw new InvalidSettingException("email",
                $"{user.Email} submitted {submitted} invalidation(s), which keep naming who asked: disable the user instead (ipsapi user disable --email {user.Email})");
        }

        db.Users.Remove(user);
        await db.SaveChangesAsync(cancellationToken);
        return user;
    }

    public async Task<IReadOnlyList<User>> ListAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        RequireManager(caller.User);
        return await db.Users.AsNoTracking().Include(u => u.Companies).OrderBy(u => u.Email).ToListAsync(cancellationToken);
    }

    private async Task<User> FindAsync(string? email, bool withCompanies, CancellationToken cancellationToken)
    {
        var address = Email(email);
        IQueryable<User> users = withCompanies ? db.Users.Include(u => u.Companies) : db.Users;
        return await users.SingleOrDefaultAsync(u => u.Email == address, cancellationToken)
            ?? throw new InvalidSettingException("email", $"{address} is no user");
    }

    private static void RequireManager(AuthenticatedUser user)
    {
        if (user.Role != Role.IpsAdmin)
        {
            throw new IpsFaultException(IpsFault.NoOperationPermission(user.Role.ToString(), ManageOperation));
        }
    }
}
