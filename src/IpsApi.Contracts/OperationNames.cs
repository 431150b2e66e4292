namespace IpsApi.Contracts;

/// <summary>Operation names; each is also the operation's SOAPAction.</summary>
public static class OperationNames
{
    public const string CdnCacheInvalidation = "cdnCacheInvalidation";
    public const string GetCdnCacheInvalidationStatus = "getCdnCacheInvalidationStatus";
}
