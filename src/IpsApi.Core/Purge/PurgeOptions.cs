using System.ComponentModel.DataAnnotations;

namespace IpsApi.Core.Purge;

/// <summary>Configuration section <c>Purge</c>: the workers, their retries, and which providers form each tier.</summary>
public sealed class PurgeOptions
{
    public const string Section = "Purge";

    /// <summary>Workers per process on PostgreSQL (the embedded SQLite store always runs one). 0 makes an API-only node.</summary>
    [Range(0, 256, ErrorMessage = "Purge:Workers must be from {1} to {2}.")]
    public int Workers { get; set; } = 4;

    /// <summary>
    /// How long a claimed batch belongs to its worker; after that another worker may take it over. The lease is
    /// renewed every third of it while the batch is worked on, so it bounds only how long a batch waits after its
    /// worker died (<c>kill -9</c>, a lost node): short, because nothing else tells the others it is gone.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Purge:Lease must be from {1} to {2}.")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often an idle worker looks for due work even when no notification came.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ErrorMessage = "Purge:PollInterval must be from {1} to {2}.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts per batch before it ends in ERROR / ERROR_CDN_NODE; throttled calls do not count.</summary>
    [Range(1, 100, ErrorMessage = "Purge:MaxAttempts must be from {1} to {2}.")]
    public int MaxAttempts { get; set; } = 10;

    /// <summary>
    /// Claims in a row a batch may end without a result (its worker died or lost it mid-work) before
    /// it is failed instead of being taken up again: a batch that crashes every worker must not loop.
    /// </summary>
    [Range(1, 100, ErrorMessage = "Purge:MaxUnfinishedClaims must be from {1} to {2}.")]
    public int MaxUnfinishedClaims { get; set; } = 5;

    /// <summary>The first retry's delay; each further one doubles, up to <see cref="RetryMaxDelay"/>, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00", ErrorMessage = "Purge:RetryBaseDelay must be from {1} to {2}.")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.001", "06:00:00", ErrorMessage = "Purge:RetryMaxDelay must be from {1} to {2}.")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>On shutdown, how long in-flight batches may run on before they are released to other workers.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "Purge:DrainTimeout must be from {1} to {2}.")]
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Providers of the origin tier, comma-separated (<c>varnish</c>, <c>log</c>, …; <c>none</c> for no tier).
    /// Default: <c>varnish</c> when <c>Purge:Varnish:Nodes</c> is set.
    /// </summary>
    public string? Origin { get; set; }

    /// <summary>Providers of the CDN tier, comma-separated. Default: <c>akamai</c> and/or <c>fastly</c>, whichever is configured.</summary>
    public string? Cdn { get; set; }

    /// <summary>Per-company tiers by company root: <c>Purge:Companies:{root}:Origin</c> and <c>…:Cdn</c>, as above.</summary>
    public Dictionary<string, PurgeTierOptions> Companies { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>URLs per second assumed for the queue's drain rate until one is measured.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Purge:AssumedUrlsPerSecond must be from {1} to {2}.")]
    public int AssumedUrlsPerSecond { get; set; } = 1000;
}
