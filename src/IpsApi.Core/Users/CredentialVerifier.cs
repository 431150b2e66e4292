using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using IpsApi.Core.Persistence;
using IpsApi.Core.Users.Throttling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Users;

/// <summary>
/// Checks an email and password against the stored PBKDF2 hash.
/// An unknown user costs the same PBKDF2 work as a wrong password, so timing tells nothing. A disabled user is looked up
/// as an unknown one: the same work, the same outcome and the same failure count, whatever the password, and the
/// remembered credentials below are never consulted for it.
/// A successful check is remembered for a few minutes as an HMAC of the password under a key
/// that lives only in this process, tied to the stored hash it matched: a changed password
/// (a different stored hash) forgets it at once, and failures are never remembered.
/// <para>
/// Failed logins are counted per user name and per client address (<see cref="LoginThrottle"/>). A name or address
/// at its limit is refused with the same outcome as a wrong password, before anything is checked, whether the
/// password is right or not and whether the user exists or not: the lock answers alike for every name, and a
/// right password cannot be told from a wrong one while it lasts. Password hashes wait for a slot of the
/// <see cref="PasswordHashGate"/>.
/// </para>
/// </summary>
public sealed partial class CredentialVerifier(
    IpsDbContext db,
    VerifiedCredentialCache cache,
    LoginThrottle throttle,
    PasswordHashGate gate,
    KnownLocks knownLocks,
    SaturatedKeys saturated,
    TimeProvider clock,
    IOptions<LoginThrottleOptions> options,
    ILogger<CredentialVerifier> logger,
    Metrics.IpsMetrics metrics)
{
    /// <summary>The most of a user name a log entry repeats.</summary>
    private const int LoggedNameLength = 254;

    private static readonly string DummyHash = PasswordHasher.Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
    private static readonly string UserNameKind = nameof(AuthFailureKind.UserName);
    private static readonly string AddressKind = nameof(AuthFailureKind.Address);

    private readonly LoginThrottleOptions limits = options.Value;

    public async Task<CredentialCheck> VerifyAsync(string email, string password, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var check = await CheckAsync(email, password, clientAddress, cancellationToken);
        if (check.Outcome != CredentialOutcome.Verified)
        {
            metrics.AuthFailure(check.Outcome switch
            {
                CredentialOutcome.Locked => Metrics.AuthFailureReasons.Locked,
                CredentialOutcome.Busy => Metrics.AuthFailureReasons.Busy,
                _ => Metrics.AuthFailureReasons.InvalidCredentials,
            });
        }

        return check;
    }

    private async Task<CredentialCheck> CheckAsync(string email, string password, IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        var normalized = User.NormalizeEmail(email);
        var keys = ThrottleKeys.For(normalized, clientAddress);
        if (knownLocks.Find(keys) is { } known)
        {
            LogRefused(normalized, keys.Address, known);
            return CredentialCheck.Locked(known);
        }

        if (saturated.Find(keys) is { } full)
        {
            LogRefusedOverLimit(logger, LoggedName(normalized), keys.Address, Describe(full.Kind));
            return CredentialCheck.Locked(full);
        }

        var (user, failures) = await LookUpAsync(normalized, keys, cancellationToken);
        var now = clock.GetUtcNow();
        if (LoginThrottle.LockedBy(failures, limits, now) is { } locked)
        {
            knownLocks.Remember(locked);
            LogRefused(normalized, keys.Address, locked);
            return CredentialCheck.Locked(locked);
        }

        if (user is not null && cache.IsRemembered(user.Email, password, user.PasswordHash))
        {
            if (failures.Any(f => f.Kind == AuthFailureKind.UserName))
            {
                await throttle.ForgetUserNameAsync(keys, cancellationToken);
            }

            return Verified(user);
        }

        var begun = await throttle.BeginAsync(keys, now, cancellationToken);
        if (LoginThrottle.OverLimit(begun, limits) is { } over)
        {
            // Racing attempts fill the limit with checks under way: this one is refused unchecked, counts for nothing
            // and locks nothing (the checks under way may well be right passwords).
            saturated.Remember(over);
            await throttle.UncountAsync(begun, cancellationToken);
            LogRefusedOverLimit(logger, LoggedName(normalized), keys.Address, Describe(over.Kind));
            return CredentialCheck.Locked(over);
        }

        bool? matches;
        try
        {
            matches = await gate.VerifyAsync(password, user?.PasswordHash ?? DummyHash, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The caller went away before its password was checked: nothing to count.
            await EndCheckAsync(throttle.UncountAsync(begun, CancellationToken.None), begun);
            throw;
        }

        if (matches is null)
        {
            await EndCheckAsync(throttle.UncountAsync(begun, cancellationToken), begun);
            return CredentialCheck.Busy;
        }

        if (!matches.Value)
        {
            LogInvalidCredentials(logger, LoggedName(normalized), keys.Address);
            var failed = await throttle.FailAsync(begun, clock.GetUtcNow(), CancellationToken.None);
            saturated.Release(begun);
            foreach (var reached in LoginThrottle.Reached(failed, limits))
            {
                knownLocks.Remember(reached);
                LogLocked(reached);
            }

            return CredentialCheck.Invalid;
        }

        cache.Remember(user!.Email, password, user.PasswordHash);
        await EndCheckAsync(throttle.ForgiveAsync(keys, begun, cancellationToken), begun);
        return Verified(user);
    }

    /// <summary>A check counted in <paramref name="begun"/> has ended once <paramref name="write"/> is stored: attempts on its keys are looked up again.</summary>
    private async Task EndCheckAsync(Task write, IReadOnlyList<AuthFailure> begun)
    {
        await write;
        saturated.Release(begun);
    }

    private static CredentialCheck Verified(StoredUser user) =>
        new(CredentialOutcome.Verified, new AuthenticatedUser(user.Id, user.Email, user.Role, user.CompanyIds));

    private static string LoggedName(string name) => name.Length <= LoggedNameLength ? name : name[..LoggedNameLength] + "…";

    /// <summary>
    /// The user (with its companies) and the failure counts of both keys, in one round trip: the lockout check
    /// costs the accept path no query of its own. Unknown users get the same query and the same rows of counts.
    /// </summary>
    private async Task<(StoredUser? User, List<AuthFailure> Failures)> LookUpAsync(string normalized, ThrottleKeys keys, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQuery<LookupRow>($"""
            SELECT u.id AS "UserId", u.email AS "Email", u.password_hash AS "PasswordHash", u.role AS "Role", m.company_id AS "CompanyId",
                   NULL AS "Kind", NULL AS "Key", NULL AS "Failures", NULL AS "WindowEndsAt"
            FROM users AS u LEFT JOIN company_members AS m ON m.user_id = u.id
            WHERE u.email = {normalized} AND u.disabled_at IS NULL
            UNION ALL
            SELECT NULL, NULL, NULL, NULL, NULL, f.kind, f.key, f.failures, f.window_ends_at
            FROM auth_failures AS f
            WHERE (f.kind = {UserNameKind} AND f.key = {keys.UserName}) OR (f.kind = {AddressKind} AND f.key = {keys.Address})
            """).ToListAsync(cancellationToken);

        StoredUser? user = null;
        var failures = new List<AuthFailure>(2);
        foreach (var row in rows)
        {
            if (row.UserId is { } id)
            {
                user ??= new StoredUser(id, row.Email!, row.PasswordHash!, Enum.Parse<Role>(row.Role!), []);
                if (row.CompanyId is { } company)
                {
                    user.CompanyIds.Add(company);
                }
            }
            else
            {
                failures.Add(new AuthFailure
                {
                    Kind = Enum.Parse<AuthFailureKind>(row.Kind!),
                    Key = row.Key!,
                    Failures = row.Failures!.Value,
                    WindowEndsAt = row.WindowEndsAt!.Value,
                });
            }
        }

        return (user, failures);
    }

    private void LogRefused(string name, string? address, AuthFailure locked) =>
        LogRefusedLocked(logger, LoggedName(name), address, Describe(locked.Kind), locked.WindowEndsAt);

    private void LogLocked(AuthFailure reached)
    {
        if (reached.Kind == AuthFailureKind.UserName)
        {
            LogUserNameLocked(logger, LoggedName(reached.Key), reached.Failures, limits.Window.ToString("c", CultureInfo.InvariantCulture), reached.WindowEndsAt);
        }
        else
        {
            LogAddressLocked(logger, reached.Key, reached.Failures, limits.Window.ToString("c", CultureInfo.InvariantCulture), reached.WindowEndsAt);
        }
    }

    private static string Describe(AuthFailureKind kind) => kind == AuthFailureKind.UserName ? "user name" : "client address";

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Invalid credentials for {UserName} from {ClientAddress}")]
    private static partial void LogInvalidCredentials(ILogger logger, string userName, string? clientAddress);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information,
        Message = "Refused the login of {UserName} from {ClientAddress} without checking it: its {Locked:l} is locked until {LockedUntil:u}")]
    private static partial void LogRefusedLocked(ILogger logger, string userName, string? clientAddress, string locked, DateTimeOffset lockedUntil);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information,
        Message = "Refused the login of {UserName} from {ClientAddress} without checking it: its {Key:l} has as many failures and checks under way as its limit")]
    private static partial void LogRefusedOverLimit(ILogger logger, string userName, string? clientAddress, string key);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning,
        Message = "Locked user name {UserName} after {Failures} failed logins within {Window:l}: its logins are refused until {LockedUntil:u}")]
    private static partial void LogUserNameLocked(ILogger logger, string userName, int failures, string window, DateTimeOffset lockedUntil);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning,
        Message = "Locked client address {ClientAddress} after {Failures} failed logins within {Window:l}: its logins are refused until {LockedUntil:u}")]
    private static partial void LogAddressLocked(ILogger logger, string clientAddress, int failures, string window, DateTimeOffset lockedUntil);

    /// <summary>A row of <see cref="LookUpAsync"/>: a user (one per company membership) or a failure count.</summary>
    internal sealed class LookupRow
    {
        public int? UserId { get; set; }

        public string? Email { get; set; }

        public string? PasswordHash { get; set; }

        public string? Role { get; set; }

        public int? CompanyId { get; set; }

        public string? Kind { get; set; }

        public string? Key { get; set; }

        public int? Failures { get; set; }

        public DateTimeOffset? WindowEndsAt { get; set; }
    }

    private sealed record StoredUser(int Id, string Email, string PasswordHash, Role Role, HashSet<int> CompanyIds);
}
