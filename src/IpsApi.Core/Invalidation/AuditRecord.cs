namespace IpsApi.Core.Invalidation;

/// <summary>Who asked for an invalidation, when, with which application and from where.</summary>
public sealed class AuditRecord
{
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
