namespace IpsApi.Core.Invalidation;

/// <summary>
/// Who asked for an invalidation or for a retry of it, when, with which application and from where. Kept for
/// <c>Retention:AuditDays</c>, longer than the request itself (<c>Retention:Days</c>): the row carries the
/// request's company and URL count, and its handle once the request is deleted.
/// </summary>
public sealed class AuditRecord
{
    /// <summary>What was asked: <see cref="AuditActions.Submit"/> or <see cref="AuditActions.Retry"/>.</summary>
    public string Action { get; set; } = AuditActions.Submit;

    /// <summary>What the action did, when there is more to say than its name (a retry: which batches).</summary>
    public string? Detail { get; set; }

    public long Id { get; set; }

    /// <summary>The request while it is stored; null once retention has deleted it (see <see cref="Handle"/>).</summary>
    public long? RequestId { get; set; }

    public InvalidationRequest? Request { get; set; }

    /// <summary>The request's company.</summary>
    public int CompanyId { get; set; }

    /// <summary>The request's URL count.</summary>
    public int UrlCount { get; set; }

    /// <summary>The request's handle, written when retention deletes the request; null before (read it from the request).</summary>
    public string? Handle { get; set; }

    /// <summary>Null when the operator submitted the request with the <c>ipsapi</c> command.</summary>
    public int? UserId { get; set; }

    /// <summary>The user's address, or <c>cli:</c> and the operator's account.</summary>
    public required string UserEmail { get; set; }

    public DateTimeOffset At { get; set; }

    public string? AppName { get; set; }

    public string? AppVersion { get; set; }

    public string? ClientAddress { get; set; }
}

public static class AuditActions
{
    public const string Submit = "submit";
    public const string Retry = "retry";
}
