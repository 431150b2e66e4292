using IpsApi.Core.Users;

namespace IpsApi.Server.WebConsole;

/// <summary>
/// How a console sign-in ended: the user when it may use the console; otherwise refused (one answer for an unknown
/// user, a wrong password, a locked name or address and a role the console is not for), busy (nothing was checked),
/// or dropped (too many attempts already wait on the same lock: the connection is closed, as the APIs do).
/// </summary>
public sealed record ConsoleSignInResult(AuthenticatedUser? User, bool IsBusy = false, bool IsDropped = false)
{
    public static readonly ConsoleSignInResult Refused = new(User: null);
    public static readonly ConsoleSignInResult Busy = new(User: null, IsBusy: true);
    public static readonly ConsoleSignInResult Dropped = new(User: null, IsDropped: true);
}
