namespace IpsApi.Core.InvalidationLog;

/// <summary>A provider's code (0 when it gave none) and its reason, naming the provider and the URL.</summary>
public sealed record FailureReason(int Code, string Reason);
