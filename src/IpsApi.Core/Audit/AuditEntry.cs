namespace IpsApi.Core.Audit;

/// <summary>
/// One audit record as listed: who did what (<c>submit</c> or <c>retry</c>) to which invalidation, when, with which
/// application and from where. <see cref="Handle"/> stays readable after retention deleted the request
/// (<see cref="RequestKept"/> false).
/// </summary>
public sealed record AuditEntry(
    DateTimeOffset At,
    string Action,
    string? Detail,
    string User,
    string? Handle,
    string Company,
    int UrlCount,
    string? AppName,
    string? AppVersion,
    string? ClientAddress,
    bool RequestKept);
