using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace IpsApi.Core.Users.Throttling;

/// <summary>The keys a login attempt is counted under: its user name, and its client address when it has one.</summary>
public sealed record ThrottleKeys(string UserName, string? Address)
{
    /// <summary>The longest key stored as it is: the longest user name (<c>users.email</c>).</summary>
    public const int MaxKeyLength = 254;

    private const int Ipv6NetworkBits = 64;

    public static ThrottleKeys For(string normalizedUserName, IPAddress? clientAddress) =>
        new(UserNameKey(normalizedUserName), AddressKey(clientAddress));

    /// <summary>
    /// The normalized name, or for a name longer than any user's can be, its SHA-256: such a name cannot exist, but
    /// it is counted and locked like any other, and the key column stays small.
    /// </summary>
    public static string UserNameKey(string normalizedUserName) =>
        normalizedUserName.Length <= MaxKeyLength
            ? normalizedUserName
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedUserName)));

    /// <summary>
    /// IPv4 as written (an IPv4-mapped IPv6 address, as a dual-stack socket reports IPv4 clients, counts as its
    /// IPv4 address); IPv6 by its /64 network, since one host is usually given a whole /64 and could otherwise
    /// draw a fresh address for every guess. Null when the connection has no IP address (a Unix socket).
    /// </summary>
    public static string? AddressKey(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[(Ipv6NetworkBits / 8)..].Clear();
        return new IPAddress(bytes).ToString() + "/" + Ipv6NetworkBits.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
