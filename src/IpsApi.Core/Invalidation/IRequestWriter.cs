namespace IpsApi.Core.Invalidation;

/// <summary>A request accepted for storage: the request with its batches, and its audit record.</summary>
public sealed record AcceptedRequest(InvalidationRequest Request, AuditRecord Audit);

/// <summary>
/// Writes a group of accepted requests in one transaction, for <see cref="GroupCommit"/>: every request with its
/// batches and audit record, or none. Returns once the transaction has committed; throws when it did not (or may not
/// have: <see cref="Persistence.StoreFailure.OutcomeUnknown"/>). Keys are assigned here; a request whose write was
/// refused may be written again, and is then given keys afresh.
/// </summary>
public interface IRequestWriter
{
    Task WriteAsync(IReadOnlyList<AcceptedRequest> group);
}
