using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Users.Throttling;

/// <summary>
/// Failed-login counts in <c>auth_failures</c>, per user name and per client address, shared by all nodes. Every
/// write is one statement, atomic on PostgreSQL and SQLite alike (<c>INSERT … ON CONFLICT DO UPDATE</c>); the
/// reads are folded into the user lookup (<see cref="CredentialVerifier"/>), so a request adds no round trip
/// unless a password is checked or a count is cleared.
/// <para>
/// A password check is counted as under way (<see cref="AuthFailure.InFlight"/>) before it runs, and becomes a failure
/// only once the password turned out wrong: concurrent attempts cannot check more passwords than the limit, and
/// concurrent right passwords (a pipeline's parallel calls) never lock their own user name.
/// </para>
/// </summary>
public sealed class LoginThrottle(IpsDbContext db, AuthFailureSweep sweep, IOptions<LoginThrottleOptions> options)
{
    private static readonly string UserNameKind = nameof(AuthFailureKind.UserName);
    private static readonly string AddressKind = nameof(AuthFailureKind.Address);

    // One window per key: a row whose window has ended starts again with a new window and nothing counted but this
    // attempt. The SET expressions read the row as it was (SQL evaluates them before assigning, on both stores).
    private const string BeginOnConflict = """
        ON CONFLICT (kind, key) DO UPDATE SET
            failures = CASE WHEN auth_failures.window_ends_at <= {2} THEN 0 ELSE auth_failures.failures END,
            in_flight = CASE WHEN auth_failures.window_ends_at <= {2} THEN 1 ELSE auth_failures.in_flight + 1 END,
            window_ends_at = CASE WHEN auth_failures.window_ends_at <= {2} THEN excluded.window_ends_at ELSE auth_failures.window_ends_at END
        RETURNING *
        """;

    private readonly LoginThrottleOptions options = options.Value;

    /// <summary>The first of <paramref name="failures"/> that refuses logins at <paramref name="now"/>, if any.</summary>
    public static AuthFailure? LockedBy(IEnumerable<AuthFailure> failures, LoginThrottleOptions options, DateTimeOffset now) =>
        failures.FirstOrDefault(f => f.IsLocked(options.LimitFor(f.Kind), now));

    /// <summary>
    /// The first of freshly begun <paramref name="counted"/> whose failures and checks under way went past its limit
    /// (attempts racing on one key): the attempt is refused unchecked, and locks nothing.
    /// </summary>
    public static AuthFailure? OverLimit(IEnumerable<AuthFailure> counted, LoginThrottleOptions options) =>
        counted.FirstOrDefault(f => f.IsOverLimit(options.LimitFor(f.Kind)));

    /// <summary>The failed rows whose limit this failure reached: each lock is reached by exactly one attempt.</summary>
    public static IEnumerable<AuthFailure> Reached(IEnumerable<AuthFailure> failed, LoginThrottleOptions options) =>
        failed.Where(f => f.Failures == options.LimitFor(f.Kind));

    /// <summary>
    /// Counts a password check as under way against both keys, before it runs, and returns the keys' rows as they now
    /// are. Counting first means concurrent attempts, on any node, cannot check more passwords than the limit.
    /// </summary>
    public async Task<IReadOnlyList<AuthFailure>> BeginAsync(ThrottleKeys keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var windowEnd = now + options.Window;
        var counted = keys.Address is null
            ? db.AuthFailures.FromSqlRaw(
                "INSERT INTO auth_failures (kind, key, failures, in_flight, window_ends_at) VALUES ({0}, {1}, 0, 1, {3})\n" + BeginOnConflict,
                UserNameKind, keys.UserName, now, windowEnd)
            : db.AuthFailures.FromSqlRaw(
                "INSERT INTO auth_failures (kind, key, failures, in_flight, window_ends_at) VALUES ({0}, {1}, 0, 1, {3}), ({4}, {5}, 0, 1, {3})\n" + BeginOnConflict,
                UserNameKind, keys.UserName, now, windowEnd, AddressKind, keys.Address);
        var rows = await counted.AsNoTracking().ToListAsync(cancellationToken);
        await SweepAsync(now, cancellationToken);
        return rows;
    }

    /// <summary>
    /// The checks <paramref name="begun"/> counted found a wrong password: each key gets a failure, and the check is no
    /// longer under way. Returns the rows as they now are (see <see cref="Reached"/>).
    /// </summary>
    public async Task<IReadOnlyList<AuthFailure>> FailAsync(IReadOnlyList<AuthFailure> begun, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = new List<AuthFailure>(begun.Count);
        foreach (var row in begun)
        {
            rows.AddRange(await RecordFailureAsync(row.Kind, row.Key, now, row.WindowEndsAt, cancellationToken));
        }

        return rows;
    }

    /// <summary>
    /// A failure with no check counted before it (a wrong API key, whose check is too cheap to be worth counting
    /// first): each key gets a failure. Returns the rows as they now are (see <see cref="Reached"/>).
    /// </summary>
    public async Task<IReadOnlyList<AuthFailure>> CountFailureAsync(ThrottleKeys keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = new List<AuthFailure>(2);
        rows.AddRange(await RecordFailureAsync(AuthFailureKind.UserName, keys.UserName, now, null, cancellationToken));
        if (keys.Address is not null)
        {
            rows.AddRange(await RecordFailureAsync(AuthFailureKind.Address, keys.Address, now, null, cancellationToken));
        }

        await SweepAsync(now, cancellationToken);
        return rows;
    }

    /// <summary>A password checked out: its user name's failures are forgotten, and the address's check is no longer under way.</summary>
    public async Task ForgiveAsync(ThrottleKeys keys, IReadOnlyList<AuthFailure> begun, CancellationToken cancellationToken)
    {
        await ForgetUserNameAsync(keys, cancellationToken);
        await UncountAsync(begun.Where(f => f.Kind == AuthFailureKind.Address), cancellationToken);
    }

    /// <summary>The password was never checked (no hash slot, or over the limit): the attempt does not count against either key.</summary>
    public Task UncountAsync(IReadOnlyList<AuthFailure> begun, CancellationToken cancellationToken) =>
        UncountAsync(begun.AsEnumerable(), cancellationToken);

    /// <summary>Remembered credentials were right: the user name's earlier failures no longer count.</summary>
    public Task ForgetUserNameAsync(ThrottleKeys keys, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync("DELETE FROM auth_failures WHERE kind = {0} AND key = {1}", [UserNameKind, keys.UserName], cancellationToken);

    /// <summary>
    /// One more failure for a key, in its current window or a new one. A check counted as under way in
    /// <paramref name="begunWindowEnd"/> is taken off; none is when the window has started again since (the row was
    /// forgiven or its window ended), so that no other check's count is taken.
    /// </summary>
    private Task<List<AuthFailure>> RecordFailureAsync(
        AuthFailureKind kind, string key, DateTimeOffset now, DateTimeOffset? begunWindowEnd, CancellationToken cancellationToken) =>
        db.AuthFailures.FromSqlRaw(
            """
            INSERT INTO auth_failures (kind, key, failures, in_flight, window_ends_at) VALUES ({0}, {1}, 1, 0, {3})
            ON CONFLICT (kind, key) DO UPDATE SET
                failures = CASE WHEN auth_failures.window_ends_at <= {2} THEN 1 ELSE auth_failures.failures + 1 END,
                in_flight = CASE WHEN auth_failures.window_ends_at <= {2} THEN 0
                                 WHEN auth_failures.window_ends_at = {4} AND auth_failures.in_flight > 0 THEN auth_failures.in_flight - 1
                                 ELSE auth_failures.in_flight END,
                window_ends_at = CASE WHEN auth_failures.window_ends_at <= {2} THEN excluded.window_ends_at ELSE auth_failures.window_ends_at END
            RETURNING *
            """,
            kind.ToString(), key, now, now + options.Window, (object?)begunWindowEnd ?? DBNull.Value).AsNoTracking().ToListAsync(cancellationToken);

    private async Task UncountAsync(IEnumerable<AuthFailure> begun, CancellationToken cancellationToken)
    {
        foreach (var row in begun)
        {
            // Only in the window the attempt was counted in: a window that has since started again owes it nothing.
            await db.Database.ExecuteSqlRawAsync(
                "UPDATE auth_failures SET in_flight = in_flight - 1 WHERE kind = {0} AND key = {1} AND window_ends_at = {2} AND in_flight > 0",
                [row.Kind.ToString(), row.Key, row.WindowEndsAt],
                cancellationToken);
        }
    }

    private async Task SweepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (sweep.TryBegin())
        {
            await db.Database.ExecuteSqlRawAsync("DELETE FROM auth_failures WHERE window_ends_at <= {0}", [now], cancellationToken);
        }
    }
}
