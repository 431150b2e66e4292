namespace IpsApi.Core.Invalidation;

/// <summary>Who asked for an invalidation or for a retry of it, when, with which application and from where.</summary>
public sealed class AuditRecord
{
    /// <summary>What was asked: <see cref="AuditActions.Submit"/> or <see cref="AuditActions.Retry"/>.</summary>
    public string Action { get; set; } = AuditActions.Submit;

    /// <summary>What the action did, when there is more to say than its name (a retry: which batches).</summary>
    public string? Detail { get; set; }

    public long Id { get; set; }

    public long RequestId { get; set; }

    public InvalidationRequest? Request { get; set; }

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
