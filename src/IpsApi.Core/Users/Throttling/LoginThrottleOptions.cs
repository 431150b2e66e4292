using System.ComponentModel.DataAnnotations;

namespace IpsApi.Core.Users.Throttling;

/// <summary>
/// Configuration section <c>Auth:Throttle</c>: how many failed logins a user name and a client address may
/// have before further attempts are refused unchecked, and how many password hashes run at once.
/// </summary>
public sealed class LoginThrottleOptions
{
    public const string Section = "Auth:Throttle";

    /// <summary>
    /// The counting window. It opens at a key's first failed login; a key that reaches its limit within it is
    /// refused until it closes, and the next failure after that opens a new one.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Auth:Throttle:Window must be from {1} to {2}.")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Failed logins per user name (existing or not) within <see cref="Window"/>. 5 leaves room for a person's
    /// typing mistakes and a client with a stale password, and allows a guesser 480 guesses a day per name.
    /// </summary>
    [Range(1, 1000, ErrorMessage = "Auth:Throttle:MaxFailuresPerUserName must be from {1} to {2}.")]
    public int MaxFailuresPerUserName { get; set; } = 5;

    /// <summary>
    /// Failed logins per client address (IPv6: per /64) within <see cref="Window"/>, over all user names. Higher than
    /// the per-name limit, so that several people behind one NAT can each mistype, yet low enough that one address
    /// cannot spread guesses over many names (30 per 15 minutes).
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "Auth:Throttle:MaxFailuresPerAddress must be from {1} to {2}.")]
    public int MaxFailuresPerAddress { get; set; } = 30;

    /// <summary>
    /// Password hashes computed at once in this process (each is ~100 ms of one core). Half the cores leaves the
    /// rest to requests whose credentials are already verified, whatever a flood of bad passwords does.
    /// </summary>
    [Range(1, 256, ErrorMessage = "Auth:Throttle:MaxConcurrentHashes must be from {1} to {2}.")]
    public int MaxConcurrentHashes { get; set; } = DefaultMaxConcurrentHashes;

    /// <summary>
    /// Requests that may wait for a hash slot; more are answered at once with fault 30000 ("busy"). The longest
    /// wait is about this many hashes divided by <see cref="MaxConcurrentHashes"/> (3 s with the defaults on 2 cores).
    /// </summary>
    [Range(1, 10_000, ErrorMessage = "Auth:Throttle:MaxQueuedHashes must be from {1} to {2}.")]
    public int MaxQueuedHashes { get; set; } = 32;

    /// <summary>
    /// Answers per second to attempts on one locked user name or address, after a burst of 10 (the rest wait in line):
    /// a client guessing as fast as it is answered is slowed to this, at no cost to the server.
    /// </summary>
    [Range(1, 10_000, ErrorMessage = "Auth:Throttle:LockedRefusalsPerSecond must be from {1} to {2}.")]
    public int LockedRefusalsPerSecond { get; set; } = 10;

    public static int DefaultMaxConcurrentHashes => Math.Max(1, Environment.ProcessorCount / 2);

    public int LimitFor(AuthFailureKind kind) => kind == AuthFailureKind.UserName ? MaxFailuresPerUserName : MaxFailuresPerAddress;
}
