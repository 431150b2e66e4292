using System.Globalization;
using System.Security;
using System.Text;

namespace IpsApi.Bench;

/// <summary>
/// Builds the cdnCacheInvalidation envelopes before any clock runs, so generating XML is never
/// measured. Every URL in a pool is distinct: the path carries the body number and the item
/// number (the server collapses exact duplicates only within one request, but distinct URLs
/// keep each request doing the full work).
/// </summary>
internal static class RequestBodies
{
    public const int PoolSize = 64;

    public static Scenario Build(BenchOptions options, int urlsPerRequest)
    {
        var bodies = new byte[PoolSize][];
        for (var b = 0; b < PoolSize; b++)
        {
            bodies[b] = Encoding.UTF8.GetBytes(Envelope(options, urlsPerRequest, b));
        }

        return new Scenario(urlsPerRequest, bodies);
    }

    private static string Envelope(BenchOptions options, int urlsPerRequest, int bodyNumber)
    {
        var xml = new StringBuilder(256 + (urlsPerRequest * 96));
        xml.Append("""<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="http://www.scene7.com/IpsApi/xsd/2012-02-14" xmlns:auth="http://www.scene7.com/IpsApi/xsd">""")
            .Append("<soapenv:Header><auth:authHeader>")
            .Append("<auth:user>").Append(SecurityElement.Escape(options.User)).Append("</auth:user>")
            .Append("<auth:password>").Append(SecurityElement.Escape(options.Password)).Append("</auth:password>")
            .Append("<auth:appName>ipsapi-bench</auth:appName>")
            .Append("</auth:authHeader></soapenv:Header>")
            .Append("<soapenv:Body><ns:cdnCacheInvalidationParam>")
            .Append("<ns:companyHandle>").Append(SecurityElement.Escape(options.Company)).Append("</ns:companyHandle>")
            .Append("<ns:urlArray>");
        var prefix = SecurityElement.Escape($"https://{options.Host}/is/image/{options.Root}/");
        for (var i = 0; i < urlsPerRequest; i++)
        {
            // e.g. https://images.bench.test/is/image/Bench/img-n1000-b07-i0042?$thumb$
            xml.Append("<ns:items>").Append(prefix)
                .Append(CultureInfo.InvariantCulture, $"img-n{urlsPerRequest}-b{bodyNumber:D2}-i{i:D4}?$thumb$")
                .Append("</ns:items>");
        }

        xml.Append("</ns:urlArray></ns:cdnCacheInvalidationParam></soapenv:Body></soapenv:Envelope>");
        return xml.ToString();
    }
}
