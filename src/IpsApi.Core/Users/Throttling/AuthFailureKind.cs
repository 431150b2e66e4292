namespace IpsApi.Core.Users.Throttling;

/// <summary>What an <see cref="AuthFailure"/> counts failed logins of; stored by name.</summary>
public enum AuthFailureKind
{
    /// <summary>A normalized user name, whether or not such a user exists.</summary>
    UserName,

    /// <summary>A client address: IPv4, or an IPv6 /64 network.</summary>
    Address,
}
