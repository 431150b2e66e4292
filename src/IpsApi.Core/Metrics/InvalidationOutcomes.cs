namespace IpsApi.Core.Metrics;

/// <summary>The <c>outcome</c> label of <c>ipsapi_invalidations_total</c>.</summary>
public static class InvalidationOutcomes
{
    /// <summary>Stored, and the workers will purge it.</summary>
    public const string Accepted = "accepted";

    /// <summary>Refused by a rule (role, company, URL rules, usage limits, a bad parameter): the caller's to fix.</summary>
    public const string Refused = "refused";

    /// <summary>The server could not complete it (fault 30000, e.g. the store did not answer).</summary>
    public const string Faulted = "faulted";
}
