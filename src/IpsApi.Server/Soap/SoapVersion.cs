namespace IpsApi.Server.Soap;

public enum SoapVersion
{
    Soap11,
    Soap12,
}
