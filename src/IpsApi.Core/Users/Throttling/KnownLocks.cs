namespace IpsApi.Core.Users.Throttling;

/// <summary>
/// The locks this process has seen in <c>auth_failures</c>, until their window ends, so that a flood from a locked
/// address or on a locked name is refused without a query. Remembering is safe because nothing ends a lock early:
/// while it lasts even the right password is refused, so no success can clear it.
/// </summary>
public sealed class KnownLocks(TimeProvider clock)
{
    private readonly KeyDeadlines locks = new(clock);

    public void Remember(AuthFailure locked) => locks.Set(locked.Kind, locked.Key, locked.WindowEndsAt);

    /// <summary>The lock on either key, if one is known and has not ended.</summary>
    public AuthFailure? Find(ThrottleKeys keys) => locks.Find(keys);
}
