using IpsApi.Core.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Users.Throttling;

/// <summary>
/// Failed-login counts in <c>auth_failures</c>, per user name and per client address, shared by all nodes. Every
/// write is one statement, atomic on PostgreSQL and SQLite alike (<c>INSERT … ON CONFLICT DO UPDATE</c>); the
/// reads are folded into the user lookup (<see cref="CredentialVerifier"/>), so a request adds no round trip
/// unless a password is checked or a count is cleared.
/// </summary>
public sealed class LoginThrottle(IpsDbContext db, AuthFailureSweep sweep, IOptions<LoginThrottleOptions> options)
{
    private static readonly string UserNameKind = nameof(AuthFailureKind.UserName);
    private static readonly string AddressKind = nameof(AuthFailureKind.Address);

    // One window per key: a row whose window has ended starts again at 1 with a new window. Both SET expressions
    // read the row as it was (SQL evaluates them before assigning, on both stores).
    private const string OnConflict = """
        ON CONFLICT (kind, key) DO UPDATE SET
            failures = CASE WHEN auth_failures.window_ends_at <= {2} THEN 1 ELSE auth_failures.failures + 1 END,
            window_ends_at = CASE WHEN auth_failures.window_ends_at <= {2} THEN excluded.window_ends_at ELSE auth_failures.window_ends_at END
        RETURNING *
        """;

    private readonly LoginThrottleOptions options = options.Value;

    /// <summary>The first of <paramref name="failures"/> that refuses logins at <paramref name="now"/>, if any.</summary>
    public static AuthFailure? LockedBy(IEnumerable<AuthFailure> failures, LoginThrottleOptions options, DateTimeOffset now) =>
        failures.FirstOrDefault(f => f.IsLocked(options.LimitFor(f.Kind), now));

    /// <summary>The first of freshly counted <paramref name="counted"/> that went past its limit (attempts racing on one key).</summary>
    public static AuthFailure? OverLimit(IEnumerable<AuthFailure> counted, LoginThrottleOptions options) =>
        counted.FirstOrDefault(f => f.Failures > options.LimitFor(f.Kind));

    /// <summary>The counted rows whose limit this failure reached: each lock is reached by exactly one attempt.</summary>
    public static IEnumerable<AuthFailure> Reached(IEnumerable<AuthFailure> counted, LoginThrottleOptions options) =>
        counted.Where(f => f.Failures == options.LimitFor(f.Kind));

    /// <summary>
    /// Counts an attempt against both keys before its password is checked, and returns the keys' rows as they now
    /// are. Counting first means concurrent attempts, on any node, cannot check more passwords than the limit.
    /// </summary>
    public async Task<IReadOnlyList<AuthFailure>> CountAsync(ThrottleKeys keys, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var windowEnd = now + options.Window;
        var counted = keys.Address is null
            ? db.AuthFailures.FromSqlRaw(
                "INSERT INTO auth_failures (kind, key, failures, window_ends_at) VALUES ({0}, {1}, 1, {3})\n" + OnConflict,
                UserNameKind, keys.UserName, now, windowEnd)
            : db.AuthFailures.FromSqlRaw(
                "INSERT INTO auth_failures (kind, key, failures, window_ends_at) VALUES ({0}, {1}, 1, {3}), ({4}, {5}, 1, {3})\n" + OnConflict,
                UserNameKind, keys.UserName, now, windowEnd, AddressKind, keys.Address);
        var rows = await counted.AsNoTracking().ToListAsync(cancellationToken);

        if (sweep.TryBegin())
        {
            await db.Database.ExecuteSqlRawAsync("DELETE FROM auth_failures WHERE window_ends_at <= {0}", [now], cancellationToken);
        }

        return rows;
    }

    /// <summary>A password checked out: its user name's failures are forgotten, and the address's count of this attempt taken back.</summary>
    public async Task ForgiveAsync(ThrottleKeys keys, IReadOnlyList<AuthFailure> counted, CancellationToken cancellationToken)
    {
        await ForgetUserNameAsync(keys, cancellationToken);
        await UncountAsync(counted.Where(f => f.Kind == AuthFailureKind.Address), cancellationToken);
    }

    /// <summary>The password was never checked (no hash slot): the attempt does not count against either key.</summary>
    public Task UncountAsync(IReadOnlyList<AuthFailure> counted, CancellationToken cancellationToken) =>
        UncountAsync(counted.AsEnumerable(), cancellationToken);

    /// <summary>Remembered credentials were right: the user name's earlier failures no longer count.</summary>
    public Task ForgetUserNameAsync(ThrottleKeys keys, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync("DELETE FROM auth_failures WHERE kind = {0} AND key = {1}", [UserNameKind, keys.UserName], cancellationToken);

    private async Task UncountAsync(IEnumerable<AuthFailure> counted, CancellationToken cancellationToken)
    {
        foreach (var row in counted)
        {
            // Only in the window the attempt was counted in: a window that has since started again owes it nothing.
            await db.Database.ExecuteSqlRawAsync(
                "UPDATE auth_failures SET failures = failures - 1 WHERE kind = {0} AND key = {1} AND window_ends_at = {2} AND failures > 0",
                [row.Kind.ToString(), row.Key, row.WindowEndsAt],
                cancellationToken);
        }
    }
}
