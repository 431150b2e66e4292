namespace IpsApi.Core.Purge.Akamai;

/// <summary>
/// Configuration section <c>Purge:Akamai</c>: the Fast Purge v3 API client from an <c>.edgerc</c>
/// section. Akamai is configured when <see cref="Host"/> is set; then the three credentials are required.
/// </summary>
public sealed class AkamaiOptions
{
    public const string Section = "Purge:Akamai";

    /// <summary>Akamai's limit on a purge request body, in bytes; larger bodies are refused with 413.</summary>
    public const int AkamaiMaxBodyBytes = 50_000;

    /// <summary>The API host from the <c>.edgerc</c>, e.g. <c>akab-xxxx.purge.akamaiapis.net</c> (no scheme).</summary>
    public string? Host { get; set; }

    public string? ClientToken { get; set; }

    public string? ClientSecret { get; set; }

    public string? AccessToken { get; set; }

    /// <summary><c>production</c> (default) or <c>staging</c>.</summary>
    public string Network { get; set; } = "production";

    /// <summary><c>invalidate</c> (default: marks objects stale, the origin is asked with If-Modified-Since) or <c>delete</c>.</summary>
    public string Action { get; set; } = "invalidate";

    /// <summary>Where requests go; default <c>https://{Host}</c>. Signatures cover this URI's host, as Akamai checks.</summary>
    public Uri? BaseUri { get; set; }

    /// <summary>The most bytes one request body may have; a URL list that does not fit is split into several requests.</summary>
    public int MaxBodyBytes { get; set; } = AkamaiMaxBodyBytes;

    /// <summary>The <c>max_body</c> of EdgeGrid signing: how many body bytes the content hash covers (Akamai's default 131072).</summary>
    public int MaxSignedBodyBytes { get; set; } = 131_072;

    /// <summary>How long one request may take before it counts as a transient failure.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The least wait after a 429; Akamai documents "wait five seconds, then retry once there are enough tokens".</summary>
    public TimeSpan DefaultThrottleDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The account's rate limits, shared by every node (<c>Purge:Akamai:Budget</c>): by default Akamai's documented
    /// buckets, 100 requests refilled at 50 a second and 10,000 URLs refilled at 200 a second.
    /// </summary>
    public Budget.RateBudgetOptions Budget { get; set; } = Purge.Budget.RateBudgetOptions.Akamai();

    /// <summary>Whose budget the calls spend: the API client's host names the account.</summary>
    public string BudgetAccount => "akamai:" + Host?.Trim().ToLowerInvariant();

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    /// <summary>The URI requests are sent to.</summary>
    public Uri EffectiveBaseUri => BaseUri ?? new Uri("https://" + Host?.Trim());

    public EdgeGridCredentials Credentials() => new(ClientToken ?? "", AccessToken ?? "", ClientSecret ?? "");

    public override string ToString() =>
        $"AkamaiOptions {{ Host = {Host}, Network = {Network}, Action = {Action}, BaseUri = {BaseUri}, ClientToken = {Mask(ClientToken)}, "
        + $"AccessToken = {Mask(AccessToken)}, ClientSecret = {Mask(ClientSecret)}, MaxBodyBytes = {MaxBodyBytes}, Timeout = {Timeout}, Budget = {Budget} }}";

    private static string Mask(string? secret) => string.IsNullOrEmpty(secret) ? "(not set)" : "***";
}
