using System.Security;
using System.Text;

namespace IpsApi.Tests.Support;

/// <summary>Raw request envelopes, written the way SoapUI and Axis-era clients write them.</summary>
public static class Envelopes
{
    public const string Soap11 = "http://schemas.xmlsoap.org/soap/envelope/";
    public const string Soap12 = "http://www.w3.org/2003/05/soap-envelope";
    public const string BodyNs = "http://www.scene7.com/IpsApi/xsd/2012-02-14";
    public const string CommonNs = "http://www.scene7.com/IpsApi/xsd";

    public static string AuthHeader(TestUser user, string extra = "") => AuthHeader(user.Email, user.Password, extra);

    public static string AuthHeader(string email, string password, string extra = "") =>
        $"<auth:authHeader xmlns:auth=\"{CommonNs}\"><auth:user>{Escape(email)}</auth:user><auth:password>{Escape(password)}</auth:password>{extra}</auth:authHeader>";

    public static string Invalidate(string header, string companyHandle, IEnumerable<string> urls, string extraParams = "", string envelopeNs = Soap11)
    {
        var items = new StringBuilder();
        foreach (var url in urls)
        {
            items.Append("<ns:items>").Append(Escape(url)).Append("</ns:items>");
        }

        return Envelope(header,
            $"<ns:cdnCacheInvalidationParam xmlns:ns=\"{BodyNs}\"><ns:companyHandle>{Escape(companyHandle)}</ns:companyHandle>"
            + $"<ns:urlArray>{items}</ns:urlArray>{extraParams}</ns:cdnCacheInvalidationParam>", envelopeNs);
    }

    public static string Status(string header, string handle, string envelopeNs = Soap11) =>
        Envelope(header,
            $"<ns:getCdnCacheInvalidationStatusParam xmlns:ns=\"{BodyNs}\"><ns:invalidationHandle>{Escape(handle)}</ns:invalidationHandle></ns:getCdnCacheInvalidationStatusParam>",
            envelopeNs);

    public static string Envelope(string header, string body, string envelopeNs = Soap11) =>
        $"<soapenv:Envelope xmlns:soapenv=\"{envelopeNs}\"><soapenv:Header>{header}</soapenv:Header><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>";

    public static string Escape(string text) => SecurityElement.Escape(text);

    /// <summary>SOAP::Lite's default SOAPAction: the body namespace, '#', and the body element's name.</summary>
    public static string SoapLiteAction(string bodyElement) => $"\"{BodyNs}#{bodyElement}\"";

    /// <summary>
    /// An envelope as Perl SOAP::Lite writes it: <c>xsd</c>, <c>xsi</c> and <c>soapenc</c> declared on the Envelope,
    /// default namespaces on the elements, and every simple value typed with <c>xsi:type</c>.
    /// </summary>
    public static string SoapLite(string header, string body) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        + $"<soap:Envelope xmlns:soap=\"{Soap11}\" xmlns:soapenc=\"http://schemas.xmlsoap.org/soap/encoding/\" "
        + "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
        + "soap:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">"
        + $"<soap:Header>{header}</soap:Header><soap:Body>{body}</soap:Body></soap:Envelope>";

    public static string SoapLiteAuthHeader(TestUser user) =>
        $"<authHeader xmlns=\"{CommonNs}\"><user xsi:type=\"xsd:string\">{Escape(user.Email)}</user>"
        + $"<password xsi:type=\"xsd:string\">{Escape(user.Password)}</password></authHeader>";

    public static string SoapLiteInvalidate(TestUser user, string companyHandle, IEnumerable<string> urls, string extraParams = "") =>
        SoapLite(SoapLiteAuthHeader(user),
            $"<cdnCacheInvalidationParam xmlns=\"{BodyNs}\"><companyHandle xsi:type=\"xsd:string\">{Escape(companyHandle)}</companyHandle>"
            + $"<urlArray>{string.Concat(urls.Select(u => $"<items xsi:type=\"xsd:anyURI\">{Escape(u)}</items>"))}</urlArray>{extraParams}</cdnCacheInvalidationParam>");

    public static string SoapLiteStatus(TestUser user, string handle) =>
        SoapLite(SoapLiteAuthHeader(user),
            $"<getCdnCacheInvalidationStatusParam xmlns=\"{BodyNs}\"><invalidationHandle xsi:type=\"xsd:string\">{Escape(handle)}</invalidationHandle></getCdnCacheInvalidationStatusParam>");
}
