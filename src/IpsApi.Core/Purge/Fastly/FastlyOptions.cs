namespace IpsApi.Core.Purge.Fastly;

/// <summary>Configuration section <c>Purge:Fastly</c>. Fastly is configured when <see cref="ApiToken"/> is set.</summary>
public sealed class FastlyOptions
{
    public const string Section = "Purge:Fastly";

    /// <summary>An API token with the <c>purge_select</c> scope, sent as <c>Fastly-Key</c>.</summary>
    public string? ApiToken { get; set; }

    public Uri BaseUri { get; set; } = new("https://api.fastly.com");

    /// <summary>
    /// The Fastly service shared by companies whose objects carry a surrogate key of their own
    /// (<see cref="Companies.Company.FastlySurrogateKey"/>): a purge of such a company's whole cache purges
    /// its key on this service. A company with a service of its own names it itself.
    /// </summary>
    public string? ServiceId { get; set; }

    /// <summary>Mark objects stale (<c>Fastly-Soft-Purge: 1</c>) instead of dropping them.</summary>
    public bool SoftPurge { get; set; }

    /// <summary>URL purges in flight at once; Fastly purges one URL per call.</summary>
    public int Concurrency { get; set; } = 16;

    /// <summary>How long one call may take before it counts as a transient failure.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The account's rate limits, shared by every node (<c>Purge:Fastly:Budget</c>); none by default.</summary>
    public Budget.RateBudgetOptions Budget { get; set; } = new();

    /// <summary>Whose budget the calls spend.</summary>
    public const string BudgetAccount = "fastly";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiToken);

    public override string ToString() =>
        $"FastlyOptions {{ BaseUri = {BaseUri}, ApiToken = {(IsConfigured ? "***" : "(not set)")}, ServiceId = {ServiceId ?? "(not set)"}, SoftPurge = {SoftPurge}, Concurrency = {Concurrency}, Timeout = {Timeout}, Budget = {Budget} }}";
}
