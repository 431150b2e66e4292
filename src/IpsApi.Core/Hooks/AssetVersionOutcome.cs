namespace IpsApi.Core.Hooks;

/// <summary>What became of an asset-version webhook delivery.</summary>
public enum AssetVersionOutcome
{
    /// <summary>Stored as a new automatic invalidation.</summary>
    Accepted,

    /// <summary>The same body came within the replay window: the earlier request's handle, nothing new stored.</summary>
    Replayed,

    /// <summary>No signature, a malformed one, or one no company's webhook secret made.</summary>
    BadSignature,

    /// <summary>The company named is unknown, or is not the one whose secret signed the body (the same answer).</summary>
    UnknownCompany,

    /// <summary>The company has no CDN invalidation template to expand.</summary>
    NoTemplate,

    /// <summary>The body is not the JSON the hook takes.</summary>
    Malformed,
}
