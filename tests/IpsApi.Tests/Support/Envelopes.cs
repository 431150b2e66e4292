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
}
