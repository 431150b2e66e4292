using System.Collections.Concurrent;

namespace IpsApi.Core.Users.Throttling;

/// <summary>
/// A time per user name or address until which this process refuses it without a query (<see cref="KnownLocks"/>,
/// <see cref="SaturatedKeys"/>); a time passed is forgotten. Bounded: when full it forgets everything, which only
/// costs lookups.
/// </summary>
internal sealed class KeyDeadlines(TimeProvider clock)
{
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<(AuthFailureKind Kind, string Key), DateTimeOffset> deadlines = new();

    public void Set(AuthFailureKind kind, string key, DateTimeOffset until)
    {
        if (deadlines.Count >= MaxEntries)
        {
            deadlines.Clear();
        }

        deadlines[(kind, key)] = until;
    }

    public void Remove(AuthFailureKind kind, string key) => deadlines.TryRemove((kind, key), out _);

    /// <summary>The address's or else the user name's deadline, if one is set and has not passed (as a row until then).</summary>
    public AuthFailure? Find(ThrottleKeys keys) =>
        Find(AuthFailureKind.Address, keys.Address) ?? Find(AuthFailureKind.UserName, keys.UserName);

    private AuthFailure? Find(AuthFailureKind kind, string? key)
    {
        if (key is null || !deadlines.TryGetValue((kind, key), out var until))
        {
            return null;
        }

        if (until > clock.GetUtcNow())
        {
            return new AuthFailure { Kind = kind, Key = key, WindowEndsAt = until };
        }

        deadlines.TryRemove(new KeyValuePair<(AuthFailureKind, string), DateTimeOffset>((kind, key), until));
        return null;
    }
}
