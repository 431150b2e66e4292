using System.ComponentModel.DataAnnotations;

namespace IpsApi.Core.Users.Throttling;

/// <summary>Configuration section <c>Auth:Throttle</c>: how many password hashes run at once, and how many may wait.</summary>
public sealed class LoginThrottleOptions
{
    public const string Section = "Auth:Throttle";

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

    public static int DefaultMaxConcurrentHashes => Math.Max(1, Environment.ProcessorCount / 2);
}
