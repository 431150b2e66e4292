using System.Globalization;
using System.Security.Claims;
using IpsApi.Core.Users;

namespace IpsApi.Server.Authentication;

/// <summary>How an <see cref="AuthenticatedUser"/> travels as <c>HttpContext.User</c>, and back.</summary>
public static class IpsClaims
{
    /// <summary>One claim per company the user is a member of (its stored id).</summary>
    public const string CompanyId = "ipsapi:company";

    public static ClaimsPrincipal ToPrincipal(AuthenticatedUser user) => ToPrincipal(user, IpsAuthentication.Scheme);

    /// <summary>The user as authenticated by <paramref name="scheme"/>: an IPS user, or a company's API key (<see cref="ApiAuthentication.KeyScheme"/>).</summary>
    public static ClaimsPrincipal ToPrincipal(AuthenticatedUser user, string scheme)
    {
        ArgumentNullException.ThrowIfNull(user);
        var claims = new List<Claim>(3 + user.CompanyIds.Count)
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.Email),
            new(ClaimTypes.Role, user.Role.ToString()),
        };
        claims.AddRange(user.CompanyIds.Select(id => new Claim(CompanyId, id.ToString(CultureInfo.InvariantCulture))));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The user the IPS handler (or, on the JSON API, the API key handler) authenticated; null when the request is not authenticated by either.</summary>
    public static AuthenticatedUser? ToUser(ClaimsPrincipal? principal)
    {
        if (principal?.Identities.FirstOrDefault(i => i.AuthenticationType is IpsAuthentication.Scheme or ApiAuthentication.KeyScheme && i.IsAuthenticated) is not { } identity)
        {
            return null;
        }

        return new AuthenticatedUser(
            int.Parse(identity.FindFirst(ClaimTypes.NameIdentifier)!.Value, CultureInfo.InvariantCulture),
            identity.FindFirst(ClaimTypes.Name)!.Value,
            Enum.Parse<Role>(identity.FindFirst(ClaimTypes.Role)!.Value),
            identity.FindAll(CompanyId).Select(c => int.Parse(c.Value, CultureInfo.InvariantCulture)).ToHashSet());
    }
}
