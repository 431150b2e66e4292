using System.Globalization;
using IpsApi.Core.Companies;
using IpsApi.Core.Faults;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Persistence;
using IpsApi.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Core.ApiKeys;

/// <summary>
/// Creating, listing and revoking companies' API keys, for every front end. Only an <c>IpsAdmin</c> (the operator at
/// the command line is one) manages keys; a key itself manages nothing (it is not an <c>IpsAdmin</c>).
/// </summary>
public sealed class ApiKeyRegistry(IpsDbContext db, CompanyCache companies, TimeProvider clock)
{
    /// <summary>The operation name a refused role is told about (fault 20003).</summary>
    public const string ManageOperation = "manageApiKeys";

    public const int MaxNameLength = 100;

    public async Task<CreatedApiKey> CreateAsync(Caller caller, string? companyHandle, string? name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        RequireManageRole(caller.User);
        var trimmed = Name(name);
        var company = await CompanyAccess.RequireCompanyAsync(db, companies, caller.User, companyHandle, cancellationToken);
        var (key, prefix) = ApiKeySecret.New();
        var stored = new ApiKey
        {
            CompanyId = company.Id,
            Name = trimmed,
            Prefix = prefix,
            SecretHash = ApiKeySecret.Hash(key),
            CreatedAt = clock.GetUtcNow(),
        };
        db.ApiKeys.Add(stored);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiKey(Info(stored), key);
    }

    /// <summary>Every key, or one company's, oldest first; revoked keys too, marked as such.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(Caller caller, string? companyHandle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        RequireManageRole(caller.User);
        var keys = db.ApiKeys.AsNoTracking();
        if (companyHandle is not null)
        {
            var company = await CompanyAccess.RequireCompanyAsync(db, companies, caller.User, companyHandle, cancellationToken);
            keys = keys.Where(k => k.CompanyId == company.Id);
        }

        return [.. (await keys.OrderBy(k => k.Id).ToListAsync(cancellationToken)).Select(Info)];
    }

    /// <summary>
    /// Revokes the key with this id or prefix; it authenticates nothing from then on (on every node: keys are checked
    /// against the store on each request). Revoking a revoked key changes nothing and says so.
    /// </summary>
    public async Task<(ApiKeyInfo Key, bool AlreadyRevoked)> RevokeAsync(Caller caller, string? idOrPrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        RequireManageRole(caller.User);
        var text = idOrPrefix?.Trim() ?? "";
        var prefix = text.Length > ApiKeySecret.PrefixLength ? text[..ApiKeySecret.PrefixLength] : text;
        var key = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? await db.ApiKeys.SingleOrDefaultAsync(k => k.Id == id, cancellationToken)
            : text.StartsWith(ApiKeySecret.Scheme, StringComparison.Ordinal)
                ? await db.ApiKeys.SingleOrDefaultAsync(k => k.Prefix == prefix, cancellationToken)
                : null;
        if (key is null)
        {
            throw new InvalidSettingException("key", $"'{text}' is neither the id nor the prefix (ipsk_ and 12 hex digits) of a key");
        }

        if (key.RevokedAt is not null)
        {
            return (Info(key), true);
        }

        key.RevokedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return (Info(key), false);
    }

    private static string Name(string? name)
    {
        var trimmed = name?.Trim() ?? "";
        return trimmed.Length is >= 1 and <= MaxNameLength && !trimmed.Any(char.IsControl)
            ? trimmed
            : throw new InvalidSettingException("name", $"must be 1 to {MaxNameLength} characters without control characters");
    }

    /// <summary>Whether a role may create, list and revoke keys (only an IpsAdmin).</summary>
    public static bool MayManage(Role role) => role == Role.IpsAdmin;

    private static void RequireManageRole(AuthenticatedUser user)
    {
        if (!MayManage(user.Role))
        {
            throw new IpsFaultException(IpsFault.NoOperationPermission(user.Role.ToString(), ManageOperation));
        }
    }

    private static ApiKeyInfo Info(ApiKey key) =>
        new(key.Id, CompanyHandle.Format(key.CompanyId), key.Name, key.Prefix, key.CreatedAt, key.LastUsedAt, key.RevokedAt);
}
