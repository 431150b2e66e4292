using System.ComponentModel.DataAnnotations;

namespace IpsApi.Core.Jobs;

/// <summary>
/// Configuration section <c>Jobs</c>: the workers that do follow-up work (mail, callbacks) beside the purge
/// workers, so that a slow mail server never holds a purge up. Each kind's retries are its own.
/// </summary>
public sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>Job workers in a process that runs purge workers; 0 leaves follow-ups to other processes.</summary>
    [Range(0, 64, ErrorMessage = "Jobs:Workers must be from {1} to {2}.")]
    public int Workers { get; set; } = 1;

    /// <summary>How long a claimed job belongs to its worker without a renewal (renewed every third of it).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Jobs:Lease must be from {1} to {2}.")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often an idle job worker looks for due jobs.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00", ErrorMessage = "Jobs:PollInterval must be from {1} to {2}.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Claims in a row that end with the worker gone before a job is failed instead of taken up again.</summary>
    [Range(1, 100, ErrorMessage = "Jobs:MaxUnfinishedClaims must be from {1} to {2}.")]
    public int MaxUnfinishedClaims { get; set; } = 5;
}
