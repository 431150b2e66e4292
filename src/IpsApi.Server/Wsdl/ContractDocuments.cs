using System.Security;
using IpsApi.Server.Soap;

namespace IpsApi.Server.Wsdl;

/// <summary>
/// Serves the hand-written WSDL and XSDs at the Scene7 paths, with <c>soap:address</c> and every
/// <c>schemaLocation</c> made absolute on the host the client used, so WSDL-driven tools resolve them.
/// </summary>
public static class ContractDocuments
{
    private const string ShippedAddress = "http://localhost:8080" + SoapEndpointOptions.ServicePath;

    public static IEndpointRouteBuilder MapContractDocuments(this IEndpointRouteBuilder endpoints)
    {
        var wsdl = RequestSchemas.Text(RequestSchemas.WsdlFile);
        var schemas = RequestSchemas.SchemaFiles.ToDictionary(f => f, RequestSchemas.Text, StringComparer.OrdinalIgnoreCase);

        endpoints.MapGet($"{SoapEndpointOptions.WebServicePath}/{RequestSchemas.WsdlFile}", (HttpContext http) => Wsdl(http, wsdl));
        endpoints.MapGet(SoapEndpointOptions.ServicePath, (HttpContext http) =>
            http.Request.Query.Keys.Any(k => k.Equals("wsdl", StringComparison.OrdinalIgnoreCase))
                ? Wsdl(http, wsdl)
                : Results.Text($"IpsApi SOAP endpoint: POST SOAP 1.1 or 1.2 envelopes here. WSDL: {BaseUrl(http)}{SoapEndpointOptions.WebServicePath}/{RequestSchemas.WsdlFile}\n"));
        endpoints.MapGet(SoapEndpointOptions.WebServicePath + "/{file}", (HttpContext http, string file) =>
            schemas.TryGetValue(file, out var schema) ? Xml(Absolute(http, schema)) : Results.NotFound());
        return endpoints;
    }

    private static IResult Wsdl(HttpContext http, string wsdl) =>
        Xml(Absolute(http, wsdl).Replace(ShippedAddress, SecurityElement.Escape(BaseUrl(http) + SoapEndpointOptions.ServicePath), StringComparison.Ordinal));

    private static string Absolute(HttpContext http, string document)
    {
        foreach (var file in RequestSchemas.SchemaFiles)
        {
            document = document.Replace($"schemaLocation=\"{file}\"",
                $"schemaLocation=\"{SecurityElement.Escape($"{BaseUrl(http)}{SoapEndpointOptions.WebServicePath}/{file}")}\"", StringComparison.Ordinal);
        }

        return document;
    }

    private static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";

    private static IResult Xml(string text) => Results.Text(text, "text/xml; charset=utf-8");
}
