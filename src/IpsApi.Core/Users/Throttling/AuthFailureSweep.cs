namespace IpsApi.Core.Users.Throttling;

/// <summary>
/// When this process last deleted <c>auth_failures</c> rows whose window has ended: at most once per
/// <see cref="Interval"/>, and only while failures are being counted, so a quiet server writes nothing and the
/// table holds little more than the windows still open.
/// </summary>
public sealed class AuthFailureSweep(TimeProvider clock)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private long nextDueTicks;

    /// <summary>True for one caller once the interval has passed since the last sweep (the first call always).</summary>
    public bool TryBegin()
    {
        var now = clock.GetUtcNow().UtcTicks;
        var due = Interlocked.Read(ref nextDueTicks);
        return now >= due && Interlocked.CompareExchange(ref nextDueTicks, now + Interval.Ticks, due) == due;
    }
}
