using System.Collections.Concurrent;

namespace IpsApi.Core.Users.Throttling;

/// <summary>
/// The locks this process has seen in <c>auth_failures</c>, until their window ends, so that a flood from a locked
/// address or on a locked name is refused without a query. Remembering is safe because nothing ends a lock early:
/// while it lasts even the right password is refused, so no success can clear it. Bounded: when full it forgets
/// everything, which only costs lookups.
/// </summary>
public sealed class KnownLocks(TimeProvider clock)
{
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<(AuthFailureKind Kind, string Key), DateTimeOffset> locks = new();

    public void Remember(AuthFailure locked)
    {
        if (locks.Count >= MaxEntries)
        {
            locks.Clear();
        }

        locks[(locked.Kind, locked.Key)] = locked.WindowEndsAt;
    }

    /// <summary>The lock on either key, if one is known and has not ended.</summary>
    public AuthFailure? Find(ThrottleKeys keys) =>
        Find(AuthFailureKind.Address, keys.Address) ?? Find(AuthFailureKind.UserName, keys.UserName);

    private AuthFailure? Find(AuthFailureKind kind, string? key)
    {
        if (key is null || !locks.TryGetValue((kind, key), out var until))
        {
            return null;
        }

        if (until > clock.GetUtcNow())
        {
            return new AuthFailure { Kind = kind, Key = key, WindowEndsAt = until };
        }

        locks.TryRemove(new KeyValuePair<(AuthFailureKind, string), DateTimeOffset>((kind, key), until));
        return null;
    }
}
