namespace IpsApi.Server.Soap;

public static class SoapEnvelopeNamespaces
{
    public const string Soap11 = "http://schemas.xmlsoap.org/soap/envelope/";
    public const string Soap12 = "http://www.w3.org/2003/05/soap-envelope";

    public static string For(SoapVersion version) => version == SoapVersion.Soap12 ? Soap12 : Soap11;
}
