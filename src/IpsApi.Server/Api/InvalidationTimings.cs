namespace IpsApi.Server.Api;

/// <summary>When it was submitted, the seconds quoted then, the seconds still expected (0 once settled), and when its last batch settled.</summary>
public sealed record InvalidationTimings(DateTimeOffset SubmittedAt, int QuotedSeconds, int RemainingSeconds, DateTimeOffset? CompletedAt);
