using IpsApi.Server.Soap;

namespace IpsApi.Server.Wsdl;

/// <summary>The Scene7 paths of the WSDL and XSDs (<see cref="ContractDocuments"/>), and a line of help at the endpoint's own address.</summary>
public static class ContractDocumentEndpoints
{
    public static IEndpointRouteBuilder MapContractDocuments(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet($"{SoapEndpointOptions.WebServicePath}/{RequestSchemas.WsdlFile}", (HttpContext http, ContractDocuments documents) => Xml(documents.Wsdl(http)));
        endpoints.MapGet(SoapEndpointOptions.ServicePath, (HttpContext http, ContractDocuments documents) =>
            http.Request.Query.Keys.Any(k => k.Equals("wsdl", StringComparison.OrdinalIgnoreCase))
                ? Xml(documents.Wsdl(http))
                : Results.Text($"IpsApi SOAP endpoint: POST SOAP 1.1 or 1.2 envelopes here. WSDL: {documents.BaseUrl(http)}{SoapEndpointOptions.WebServicePath}/{RequestSchemas.WsdlFile}\n"));
        endpoints.MapGet(SoapEndpointOptions.WebServicePath + "/{file}", (HttpContext http, ContractDocuments documents, string file) =>
            documents.Schema(http, file) is { } schema ? Xml(schema) : Results.NotFound());
        return endpoints;
    }

    private static IResult Xml(string text) => Results.Text(text, "text/xml; charset=utf-8");
}
