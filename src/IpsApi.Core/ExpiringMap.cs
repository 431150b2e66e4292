using System.Collections.Concurrent;

namespace IpsApi.Core;

/// <summary>
/// A bounded in-process memory whose entries lapse after <c>lifetime</c> on the given clock.
/// When it holds <c>maxEntries</c> it forgets everything rather than grow: a miss only costs a lookup.
/// </summary>
public sealed class ExpiringMap<TKey, TValue>(TimeProvider clock, TimeSpan lifetime, int maxEntries)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, (TValue Value, DateTimeOffset ExpiresAt)> entries = new();

    public bool TryGet(TKey key, out TValue value)
    {
        if (entries.TryGetValue(key, out var entry) && entry.ExpiresAt > clock.GetUtcNow())
        {
            value = entry.Value;
            return true;
        }

        value = default!;
        return false;
    }

    public void Set(TKey key, TValue value)
    {
        if (entries.Count >= maxEntries)
        {
            entries.Clear();
        }

        entries[key] = (value, clock.GetUtcNow() + lifetime);
    }
}
