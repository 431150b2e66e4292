namespace IpsApi.Core.Companies;

/// <summary>
/// What removing a company takes with it: its invalidation requests (with their batches, follow-up jobs, audit records
/// and webhook deliveries), its API keys and its users' memberships; and the work still in flight, which refuses it.
/// </summary>
public sealed record CompanyFootprint(Company Company, int Requests, int InFlightBatches, int PendingJobs, int ApiKeys, int Members)
{
    public bool HasWorkInFlight => InFlightBatches > 0 || PendingJobs > 0;

    public string Describe() =>
        $"company {Company.Handle} '{Company.Name}' (root {Company.RootId}) with {Requests} invalidation request(s) and their batches, jobs and audit records, "
        + $"{ApiKeys} API key(s) and {Members} user membership(s); the users themselves stay";
}
