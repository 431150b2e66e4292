using IpsApi.Core.Persistence;
using IpsApi.Core.Users;
using IpsApi.Core.Users.Throttling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.ApiKeys;

/// <summary>
/// Checks a presented API key. A key of the wrong form, an unknown prefix, a wrong secret and a revoked key all take
/// the same work (one lookup by prefix, one SHA-256, one fixed-time comparison) and get the same answer, so the
/// answer tells nothing. Failures are counted by the login throttle under the key's prefix and the client address,
/// as failed passwords are under the user name and address, and read back before each check: a locked prefix or
/// address is refused, even with the right key, until its window ends (a locked address for passwords too). The key itself never reaches a log; its prefix may.
/// </summary>
public sealed partial class ApiKeyVerifier(
    IpsDbContext db,
    LoginThrottle throttle,
    KnownLocks knownLocks,
    TimeProvider clock,
    IOptions<LoginThrottleOptions> options,
    ILogger<ApiKeyVerifier> logger,
    Metrics.IpsMetrics metrics)
{
    /// <summary>How stale <see cref="ApiKey.LastUsedAt"/> may get: it is written at most this often per key.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>What an unknown or malformed key is compared with, so that it costs what a known one does.</summary>
    private static readonly string DummyHash = ApiKeySecret.Hash(ApiKeySecret.New().Key);

    /// <summary>The key's company as an <c>IpsCompanyAdmin</c> of that one company, or null when the key authenticates nothing.</summary>
    public async Task<AuthenticatedUser?> VerifyAsync(string presented, System.Net.IPAddress? clientAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(presented);
        var prefix = ApiKeySecret.PrefixOf(presented);
        var keys = ThrottleKeys.For("apikey:" + (prefix ?? "malformed"), clientAddress);
        if (knownLocks.Find(keys) is { } locked)
        {
            LogRefusedLocked(logger, prefix, keys.Address, locked.WindowEndsAt);
            metrics.AuthFailure(Metrics.AuthFailureReasons.Locked);
            return null;
        }

        // Locks counted by another server, or before this one started: the same failure counts passwords are read with.
        var now = clock.GetUtcNow();
        var failures = await db.AuthFailures.AsNoTracking()
            .Where(f => (f.Kind == AuthFailureKind.UserName && f.Key == keys.UserName) || (f.Kind == AuthFailureKind.Address && f.Key == keys.Address))
            .ToListAsync(cancellationToken);
        if (LoginThrottle.LockedBy(failures, options.Value, now) is { } stored)
        {
            knownLocks.Remember(stored);
            LogRefusedLocked(logger, prefix, keys.Address, stored.WindowEndsAt);
            metrics.AuthFailure(Metrics.AuthFailureReasons.Locked);
            return null;
        }

        var lookup = prefix ?? "";
        var key = await db.ApiKeys.AsNoTracking()
            .Where(k => k.Prefix == lookup && k.RevokedAt == null)
            .Select(k => new { k.Id, k.CompanyId, k.Prefix, k.SecretHash, k.LastUsedAt })
            .SingleOrDefaultAsync(cancellationToken);
        var matches = ApiKeySecret.Matches(presented, key?.SecretHash ?? DummyHash) && key is not null && prefix is not null;
        if (!matches)
        {
            LogInvalidKey(logger, prefix, keys.Address);
            metrics.AuthFailure(Metrics.AuthFailureReasons.InvalidApiKey);
            var counted = await throttle.CountFailureAsync(keys, now, cancellationToken);
            foreach (var reached in LoginThrottle.Reached(counted, options.Value))
            {
                knownLocks.Remember(reached);
            }

            return null;
        }

        if (key!.LastUsedAt is not { } lastUsed || now - lastUsed >= LastUsedResolution)
        {
            // Two nodes may both write it within the minute: the later instant wins, which is as true.
            await db.ApiKeys.Where(k => k.Id == key.Id)
                .ExecuteUpdateAsync(set => set.SetProperty(k => k.LastUsedAt, now), cancellationToken);
        }

        return new AuthenticatedUser(AuthenticatedUser.OperatorId, "apikey:" + key.Prefix, Role.IpsCompanyAdmin, new HashSet<int> { key.CompanyId });
    }

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Invalid API key (prefix {Prefix}) from {ClientAddress}")]
    private static partial void LogInvalidKey(ILogger logger, string? prefix, string? clientAddress);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information,
        Message = "Refused API key (prefix {Prefix}) from {ClientAddress} without checking it: locked until {LockedUntil:u}")]
    private static partial void LogRefusedLocked(ILogger logger, string? prefix, string? clientAddress, DateTimeOffset lockedUntil);
}
