namespace IpsApi.Core.Faults;

/// <summary>The fault codes of the IPS API (spec §3).</summary>
public static class FaultCodes
{
    public const int NoCredentials = 10000;
    public const int InvalidCredentials = 10001;
    public const int InvalidUser = 10002;

    public const int InvalidCompany = 20000;
    public const int NoOperationPermission = 20003;
    public const int MissingPermission = 20009;

    public const int Exception = 30000;
    public const int InvalidParameter = 30001;
    public const int MissingParameter = 30002;
    public const int InvalidRequestXml = 30003;
}
