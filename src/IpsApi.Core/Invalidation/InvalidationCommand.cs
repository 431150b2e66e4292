namespace IpsApi.Core.Invalidation;

/// <summary>A <c>cdnCacheInvalidation</c> call, independent of the wire types.</summary>
public sealed record InvalidationCommand(
    string? CompanyHandle,
    IReadOnlyList<string?>? Urls,
    bool EmailCcOriginator = false,
    IReadOnlyList<string?>? EmailOthers = null);
