namespace IpsApi.Core.Invalidation;

/// <summary>
/// A <c>cdnCacheInvalidation</c> call, independent of the wire types. <paramref name="AssetIds"/> expands the
/// company's CDN invalidation template for those assets; the URLs submitted are <paramref name="Urls"/> and then
/// the template's, each once. <paramref name="Kind"/> is <see cref="InvalidationKinds.Manual"/> or
/// <see cref="InvalidationKinds.Automatic"/> (a new asset version), as the invalidation log shows it.
/// </summary>
public sealed record InvalidationCommand(
    string? CompanyHandle,
    IReadOnlyList<string?>? Urls,
    bool EmailCcOriginator = false,
    IReadOnlyList<string?>? EmailOthers = null,
    IReadOnlyList<string?>? AssetIds = null,
    string? Kind = null);
