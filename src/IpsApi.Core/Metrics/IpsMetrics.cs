using System.Diagnostics.Metrics;
using IpsApi.Core.Faults;
using IpsApi.Core.Invalidation;
using IpsApi.Core.Jobs;
using IpsApi.Core.Purge;

namespace IpsApi.Core.Metrics;

/// <summary>
/// The meter <c>IpsApi</c> and its instruments, one per fact an operator asks about. The names are the
/// OpenTelemetry ones; the Prometheus exporter turns dots into underscores and adds the unit and <c>_total</c>
/// (<c>ipsapi.purge.duration</c> in seconds is <c>ipsapi_purge_duration_seconds</c>). Labels take a small, fixed set
/// of values, so that the number of series stays bounded whatever the callers send. The queue gauges are
/// <see cref="QueueGauges"/>'s.
/// </summary>
public sealed class IpsMetrics
{
    public const string MeterName = "IpsApi";

    /// <summary>Seconds, for purge calls: from a few milliseconds (a Varnish on the same network) to the slowest CDN API call.</summary>
    private static readonly double[] PurgeBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    /// <summary>Seconds, from accept to final status: well under a second for Varnish, minutes for a CDN, hours after retries.</summary>
    private static readonly double[] SettleBuckets = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200];

    /// <summary>Requests per commit of the accept path: 1 when requests come one at a time, more under load.</summary>
    private static readonly long[] CommitSizeBuckets = [1, 2, 4, 8, 16, 32, 64];

    private readonly Counter<long> invalidations;
    private readonly Counter<long> invalidationUrls;
    private readonly Counter<long> purgeAttempts;
    private readonly Histogram<double> purgeDuration;
    private readonly Histogram<double> requestSettle;
    private readonly Counter<long> authFailures;
    private readonly Counter<long> mail;
    private readonly Counter<long> callbacks;
    private readonly Histogram<long> acceptCommitSize;

    public IpsMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        Meter = meters.Create(MeterName);
        invalidations = Meter.CreateCounter<long>(
            "ipsapi.invalidations", "{request}", "Invalidation requests by kind, scope and outcome (accepted, refused by a rule, faulted).");
        invalidationUrls = Meter.CreateCounter<long>("ipsapi.invalidation.urls", "{url}", "URLs of accepted invalidation requests, by kind.");
        purgeAttempts = Meter.CreateCounter<long>(
            "ipsapi.purge.attempts", "{call}", "Calls to a purge provider by provider and outcome (succeeded, throttled, transient, permanent).");
        purgeDuration = Meter.CreateHistogram(
            "ipsapi.purge.duration", "s", "How long one call to a purge provider took, by provider.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PurgeBuckets });
        requestSettle = Meter.CreateHistogram(
            "ipsapi.request.settle", "s", "From accepting an invalidation request to its final status (Done, ERROR, ERROR_CDN_NODE), by that status.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SettleBuckets });
        authFailures = Meter.CreateCounter<long>("ipsapi.auth.failures", "{attempt}", "Refused credentials, by reason.");
        mail = Meter.CreateCounter<long>("ipsapi.mail", "{attempt}", "Confirmation mail attempts by outcome (sent, skipped, retrying, failed).");
        callbacks = Meter.CreateCounter<long>("ipsapi.callbacks", "{attempt}", "Completion callback attempts by outcome (delivered, skipped, retrying, failed).");
        acceptCommitSize = Meter.CreateHistogram(
            "ipsapi.accept.commit.size", "{request}", "Invalidation requests stored by one commit (requests accepted at the same time share one).",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = CommitSizeBuckets });
    }

    /// <summary>The meter, for <see cref="QueueGauges"/> to add its observable gauges to.</summary>
    public Meter Meter { get; }

    /// <summary>One request's outcome at the accept path: accepted (with its URLs), refused by a rule, or faulted.</summary>
    public void Invalidation(string? kind, string scope, string outcome, int urls = 0)
    {
        var boundedKind = kind == InvalidationKinds.Automatic ? InvalidationKinds.Automatic : InvalidationKinds.Manual;
        invalidations.Add(1, new("kind", boundedKind), new("scope", scope), new("outcome", outcome));
        if (outcome == InvalidationOutcomes.Accepted && urls > 0)
        {
            invalidationUrls.Add(urls, new KeyValuePair<string, object?>("kind", boundedKind));
        }
    }

    /// <summary>One commit of the accept path and how many requests it stored.</summary>
    public void AcceptCommit(int requests) => acceptCommitSize.Record(requests);

    /// <summary>The outcome label of a request that ended in <paramref name="fault"/>: refused for the caller's mistake, faulted for the server's.</summary>
    public static string OutcomeOf(IpsFault fault) =>
        fault?.IsServerFault == true ? InvalidationOutcomes.Faulted : InvalidationOutcomes.Refused;

    /// <summary>One call to a purge provider and what it came to.</summary>
    public void PurgeAttempt(string provider, PurgeOutcomeKind outcome, TimeSpan elapsed)
    {
        var label = new KeyValuePair<string, object?>("provider", provider);
        purgeAttempts.Add(1, label, new("outcome", OutcomeLabel(outcome)));
        purgeDuration.Record(elapsed.TotalSeconds, label);
    }

    /// <summary>A request reached its final status <paramref name="status"/> <paramref name="elapsed"/> after it was accepted.</summary>
    public void RequestSettled(string status, TimeSpan elapsed) =>
        requestSettle.Record(Math.Max(0, elapsed.TotalSeconds), new KeyValuePair<string, object?>("status", status));

    /// <summary>Credentials refused; <paramref name="reason"/> is one of <see cref="AuthFailureReasons"/>.</summary>
    public void AuthFailure(string reason) => authFailures.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>One attempt of a follow-up job: counted under mail or callbacks by its kind; other kinds are not counted here.</summary>
    public void FollowUp(string kind, JobOutcome outcome, bool givenUp)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var counter = kind switch
        {
            FollowUpKinds.Mail => mail,
            FollowUpKinds.Callback => callbacks,
            _ => null,
        };
        var label = outcome.Kind switch
        {
            JobOutcomeKind.Done when outcome.Skipped => "skipped",
            JobOutcomeKind.Done => kind == FollowUpKinds.Mail ? "sent" : "delivered",
            JobOutcomeKind.Retry when !givenUp => "retrying",
            _ => "failed",
        };
        counter?.Add(1, new KeyValuePair<string, object?>("outcome", label));
    }

    private static string OutcomeLabel(PurgeOutcomeKind outcome) => outcome switch
    {
        PurgeOutcomeKind.Succeeded => "succeeded",
        PurgeOutcomeKind.Throttled => "throttled",
        PurgeOutcomeKind.Transient => "transient",
        _ => "permanent",
    };
}
