using System.ComponentModel.DataAnnotations;

namespace IpsApi.Core.Metrics;

/// <summary>
/// Configuration section <c>Metrics</c>: whether <c>GET /metrics</c> is served, where, to whom, and how often the
/// queue gauges read the store.
/// </summary>
public sealed class MetricsOptions : IValidatableObject
{
    public const string Section = "Metrics";

    /// <summary>Serve <c>/metrics</c> (Prometheus text format). Off, nothing is exported and no listener is opened.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Listeners of their own for <c>/metrics</c>, e.g. <c>http://127.0.0.1:9464</c> (several separated by <c>;</c>); then
    /// <c>/metrics</c> is answered only there. Unset, it is answered on the server's own port, to loopback callers only
    /// (or, with <see cref="User"/> and <see cref="Password"/>, to any caller presenting them).
    /// </summary>
    public string? Urls { get; set; }

    /// <summary>With <see cref="Password"/>: every scrape must present these with HTTP Basic, wherever it comes from.</summary>
    public string? User { get; set; }

    /// <summary>With <see cref="User"/>: the Basic password of scrapes. Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// The queue gauges (<c>ipsapi_queue_jobs</c>, <c>ipsapi_queue_oldest_due_seconds</c>) read the store at most once in
    /// this time, however often Prometheus scrapes; a scrape in between gets the last reading. Match the scrape interval.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Metrics:QueueReadInterval must be from {1} to {2}.")]
    public TimeSpan QueueReadInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The listener addresses of <see cref="Urls"/>, trimmed; empty when unset.</summary>
    public IReadOnlyList<string> ListenUrls =>
        (Urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>True when scrapes must present Basic credentials.</summary>
    public bool RequiresCredentials => !string.IsNullOrEmpty(User) || !string.IsNullOrEmpty(Password);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrEmpty(User) != string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult("Metrics:User and Metrics:Password are set together or not at all.", [nameof(User), nameof(Password)]);
        }

        if (User?.Contains(':', StringComparison.Ordinal) == true)
        {
            yield return new ValidationResult("Metrics:User may not contain ':' (HTTP Basic separates user and password with it).", [nameof(User)]);
        }

        foreach (var url in ListenUrls)
        {
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                || uri.Scheme != Uri.UriSchemeHttp || uri.IsDefaultPort || uri.AbsolutePath != "/" || uri.Query.Length > 0)
            {
                yield return new ValidationResult(
                    $"Metrics:Urls '{url}' must be an http:// address with a port and no path, such as http://127.0.0.1:9464.", [nameof(Urls)]);
            }
        }
    }
}
