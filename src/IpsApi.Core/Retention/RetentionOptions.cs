using System.ComponentModel.DataAnnotations;

namespace IpsApi.Core.Retention;

/// <summary>
/// Configuration section <c>Retention</c>: how long settled requests (with their batches, URLs and follow-up jobs),
/// webhook deliveries and audit records are kept, and how the background run that deletes them is paced.
/// </summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>Days a settled request, its batches and jobs, and a webhook delivery are kept. In-flight requests are kept whatever their age.</summary>
    [Range(1, 36500, ErrorMessage = "Retention:Days must be from {1} to {2}.")]
    public int Days { get; set; } = 90;

    /// <summary>Days an audit record is kept; at least <see cref="Days"/>, so that who asked outlives what was asked.</summary>
    [Range(1, 36500, ErrorMessage = "Retention:AuditDays must be from {1} to {2}.")]
    public int AuditDays { get; set; } = 400;

    /// <summary>Rows deleted by one statement, so that no statement holds locks for long.</summary>
    [Range(1, 100_000, ErrorMessage = "Retention:BatchSize must be from {1} to {2}.")]
    public int BatchSize { get; set; } = 500;

    /// <summary>How long one run may delete; what is left is deleted by the next run, scheduled at once.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Retention:MaxRunTime must be from {1} to {2}.")]
    public TimeSpan MaxRunTime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Time from the end of one complete run to the next.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00", ErrorMessage = "Retention:Interval must be from {1} to {2}.")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}
