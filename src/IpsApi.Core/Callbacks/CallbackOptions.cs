using System.ComponentModel.DataAnnotations;

namespace IpsApi.Core.Callbacks;

/// <summary>
/// Configuration section <c>Callbacks</c>: how completion callbacks are delivered and retried. The job queue
/// does the retrying (a delivery is a job); each attempt is one <c>POST</c> bounded by <see cref="Timeout"/>.
/// </summary>
public sealed class CallbackOptions
{
    public const string Section = "Callbacks";

    /// <summary>The wait before the second attempt; each further one doubles, with jitter, up to <see cref="RetryMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00", ErrorMessage = "Callbacks:RetryBaseDelay must be from {1} to {2}.")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between attempts, also the most a receiver's <c>Retry-After</c> is honoured for.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00", ErrorMessage = "Callbacks:RetryMaxDelay must be from {1} to {2}.")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long after the request settled a delivery is still attempted; the first attempt failing after it ends the delivery <c>Failed</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "30.00:00:00", ErrorMessage = "Callbacks:GiveUpAfter must be from {1} to {2}.")]
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The most one attempt (connect, send, the answer's status line and headers) may take.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00", ErrorMessage = "Callbacks:Timeout must be from {1} to {2}.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
