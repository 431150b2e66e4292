using IpsApi.Core.Companies;
using IpsApi.Core.Faults;
using IpsApi.Core.Persistence;
using IpsApi.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Core.Invalidation;

/// <summary>
/// Spec §4: both operations are for <c>IpsAdmin</c> (any company) and <c>IpsCompanyAdmin</c>
/// (member companies only). An unknown company and a foreign one give the same 20000 fault.
/// </summary>
public static class CompanyAccess
{
    /// <summary>Whether a user of this role may call the operations at all.</summary>
    public static bool MayCallOperations(Role role) => role is Role.IpsAdmin or Role.IpsCompanyAdmin;

    public static void RequireOperationRole(AuthenticatedUser user, string operation)
    {
        if (!MayCallOperations(user.Role))
        {
            throw new IpsFaultException(IpsFault.NoOperationPermission(user.Role.ToString(), operation));
        }
    }

    public static bool MayAccess(AuthenticatedUser user, int companyId) =>
        user.Role == Role.IpsAdmin || (user.Role == Role.IpsCompanyAdmin && user.CompanyIds.Contains(companyId));

    public static async Task<Company> RequireCompanyAsync(
        IpsDbContext db, CompanyCache companies, AuthenticatedUser user, string? handle, CancellationToken cancellationToken)
    {
        if (CompanyHandle.TryParse(handle, out var companyId) && MayAccess(user, companyId))
        {
            var company = await companies.GetAsync(companyId, id => db.Companies.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken));
            if (company is not null)
            {
                return company;
            }
        }

        throw new IpsFaultException(new IpsFault(FaultKind.Authorization, FaultCodes.InvalidCompany,
            $"Invalid company: '{handle}' does not name a company this user may access."));
    }
}
