namespace IpsApi.Core.Users.Throttling;

/// <summary>
/// User names and addresses whose limit is filled by password checks under way (<see cref="AuthFailure.InFlight"/>),
/// as this process last found them, so that a flood of attempts on one is refused without queries until a check on it
/// ends here, or <see cref="MaxHold"/> has passed (the checks may be another node's). Unlike a lock this refuses only
/// briefly, and counts no failure: the checks under way may well be right passwords.
/// </summary>
public sealed class SaturatedKeys(TimeProvider clock)
{
    /// <summary>How long a key found full is refused without a query at most, unless a check on it ends sooner.</summary>
    public static readonly TimeSpan MaxHold = TimeSpan.FromSeconds(2);

    private readonly TimeProvider clock = clock;
    private readonly KeyDeadlines full = new(clock);

    public void Remember(AuthFailure over) => full.Set(over.Kind, over.Key, clock.GetUtcNow() + MaxHold);

    /// <summary>Checks counted in <paramref name="begun"/> ended here: the next attempt on those keys is looked up again.</summary>
    public void Release(IEnumerable<AuthFailure> begun)
    {
        foreach (var row in begun)
        {
            full.Remove(row.Kind, row.Key);
        }
    }

    /// <summary>Either key, if it was found full and is still held.</summary>
    public AuthFailure? Find(ThrottleKeys keys) => full.Find(keys);
}
