using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Persistence;
using IpsApi.Core.Users;
using IpsApi.Server.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;

namespace IpsApi.Server.WebConsole;

/// <summary>
/// A console session: the signed-in user as <see cref="IpsClaims"/> builds it (so the core's rules read it as they
/// read an API caller), with a stamp of the stored password. Every request reads the user again: a user removed, disabled,
/// given a role the console is not for, or whose password changed is signed out at once, and a change of companies
/// applies at the next request rather than at the end of the session.
/// </summary>
public static class ConsoleSession
{
    /// <summary>A claim no other front end gives: a short hash of the stored password hash when the session began.</summary>
    public const string StampClaim = "ipsapi:console-stamp";

    public static async Task SignInAsync(HttpContext http, AuthenticatedUser user)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(user);
        var db = http.RequestServices.GetRequiredService<IpsDbContext>();
        var stored = await db.Users.AsNoTracking().Where(u => u.Id == user.Id).Select(u => u.PasswordHash).SingleAsync(http.RequestAborted);
        await http.SignInAsync(ConsoleAuthentication.Scheme, Principal(user, Stamp(stored)), new AuthenticationProperties { IsPersistent = false });
    }

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var user = IpsClaims.ToUser(context.Principal);
        var stamp = context.Principal?.FindFirst(StampClaim)?.Value;
        if (user is null || stamp is null)
        {
            await RejectAsync(context);
            return;
        }

        var db = context.HttpContext.RequestServices.GetRequiredService<IpsDbContext>();
        var stored = await db.Users.AsNoTracking()
            .Where(u => u.Id == user.Id && u.DisabledAt == null)
            .Select(u => new { u.Email, u.Role, u.PasswordHash, Companies = u.Companies.Select(c => c.Id).ToList() })
            .SingleOrDefaultAsync(context.HttpContext.RequestAborted);
        if (stored is null || !CompanyAccess.MayCallOperations(stored.Role) || Stamp(stored.PasswordHash) != stamp)
        {
            await RejectAsync(context);
            return;
        }

        var current = new AuthenticatedUser(user.Id, stored.Email, stored.Role, stored.Companies.ToHashSet());
        if (current.Email != user.Email || current.Role != user.Role || !current.CompanyIds.SetEquals(user.CompanyIds))
        {
            context.ReplacePrincipal(Principal(current, stamp));
            context.ShouldRenew = true;
        }
    }

    private static ClaimsPrincipal Principal(AuthenticatedUser user, string stamp)
    {
        var principal = IpsClaims.ToPrincipal(user);
        ((ClaimsIdentity)principal.Identity!).AddClaim(new Claim(StampClaim, stamp));
        return principal;
    }

    private static async Task RejectAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(ConsoleAuthentication.Scheme);
    }

    private static string Stamp(string passwordHash) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(passwordHash)).AsSpan(0, 8)).ToLower(CultureInfo.InvariantCulture);
}
