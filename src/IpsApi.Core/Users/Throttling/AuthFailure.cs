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

    /// <summary>Attempts counted in the window: each password check is counted before it runs, and taken back when it succeeds.</summary>
    public int Failures { get; set; }

    public DateTimeOffset WindowEndsAt { get; set; }

    /// <summary>Whether this key is refused at <paramref name="now"/>: it reached <paramref name="limit"/> in a window still open.</summary>
    public bool IsLocked(int limit, DateTimeOffset now) => Failures >= limit && WindowEndsAt > now;
}
