namespace IpsApi.Core.Users.Throttling;

/// <summary>
/// Failed logins of one user name or client address in the current window (table <c>auth_failures</c>), shared by
/// every node on the store. A row whose window has ended means nothing and is deleted in passing.
/// </summary>
public sealed class AuthFailure
{
    public AuthFailureKind Kind { get; set; }

    /// <summary>See <see cref="ThrottleKeys"/>.</summary>
    public required string Key { get; set; }

    /// <summary>Failed attempts in the window (wrong passwords or keys). Only these lock the key.</summary>
    public int Failures { get; set; }

    /// <summary>
    /// Password checks under way: each is counted here before it runs, so that concurrent attempts cannot check more
    /// passwords than the limit allows, and moves to <see cref="Failures"/> when the password was wrong or is taken
    /// back when it was right. A node stopped in the middle of a check leaves its count until the window ends.
    /// </summary>
    public int InFlight { get; set; }

    public DateTimeOffset WindowEndsAt { get; set; }

    /// <summary>Whether this key is refused at <paramref name="now"/>: its failures reached <paramref name="limit"/> in a window still open.</summary>
    public bool IsLocked(int limit, DateTimeOffset now) => Failures >= limit && WindowEndsAt > now;

    /// <summary>Whether the check just counted would make more failures and checks under way than <paramref name="limit"/> allows.</summary>
    public bool IsOverLimit(int limit) => Failures + InFlight > limit;
}
