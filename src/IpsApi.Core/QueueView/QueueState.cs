namespace IpsApi.Core.QueueView;

/// <summary>Where a purge batch or follow-up job stands in the queue, as <c>ipsapi queue</c> shows it.</summary>
public enum QueueState
{
    /// <summary>Waiting for a worker now (a lease that ran out makes it due again).</summary>
    Due,

    /// <summary>Due later, after a failed attempt (the queue's backoff or a provider's Retry-After).</summary>
    Retrying,

    /// <summary>Due later without having failed: a follow-up that waits for the purge to spread.</summary>
    Scheduled,

    /// <summary>Claimed by a worker whose lease has not run out.</summary>
    Leased,

    /// <summary>Given up: a batch in ERROR or ERROR_CDN_NODE, a job Failed.</summary>
    Failed,
}
