using System.Collections.Frozen;
using System.Security;
using IpsApi.Server.Soap;
using Microsoft.Extensions.Options;

namespace IpsApi.Server.Wsdl;

/// <summary>
/// The hand-written WSDL and XSDs as served: <c>soap:address</c> and every <c>schemaLocation</c> made absolute,
/// so WSDL-driven tools resolve them. With <c>Soap:PublicBaseUrl</c> set they are built on it once, and no request
/// header changes them. Without it they are built from each request's scheme and <c>Host</c>, afresh every time:
/// nothing is kept per host, so no number of <c>Host</c> values a client sends makes anything grow.
/// </summary>
public sealed class ContractDocuments
{
    private const string ShippedAddress = "http://localhost:8080" + SoapEndpointOptions.ServicePath;

    private readonly string? publicBase;
    private readonly string wsdl;
    private readonly FrozenDictionary<string, string> schemas;

    public ContractDocuments(IOptions<SoapEndpointOptions> options)
    {
        publicBase = options.Value.PublicBase;
        wsdl = RequestSchemas.Text(RequestSchemas.WsdlFile);
        schemas = RequestSchemas.SchemaFiles.ToFrozenDictionary(f => f, RequestSchemas.Text, StringComparer.OrdinalIgnoreCase);
        if (publicBase is not null)
        {
            wsdl = RenderWsdl(wsdl, publicBase);
            schemas = schemas.ToFrozenDictionary(s => s.Key, s => RenderSchemaLocations(s.Value, publicBase), StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary>Where this request's client finds the service: <c>Soap:PublicBaseUrl</c>, or else the request's own scheme, host and path base.</summary>
    public string BaseUrl(HttpContext http) =>
        publicBase ?? $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";

    public string Wsdl(HttpContext http) => publicBase is null ? RenderWsdl(wsdl, BaseUrl(http)) : wsdl;

    /// <summary>One of the XSDs by file name (any letter case), or null for a file that is not one.</summary>
    public string? Schema(HttpContext http, string file) =>
        !schemas.TryGetValue(file, out var schema) ? null
        : publicBase is null ? RenderSchemaLocations(schema, BaseUrl(http))
        : schema;

    private static string RenderWsdl(string document, string baseUrl) =>
        RenderSchemaLocations(document, baseUrl)
            .Replace(ShippedAddress, SecurityElement.Escape(baseUrl + SoapEndpointOptions.ServicePath), StringComparison.Ordinal);

    /// <summary>The shipped documents name each other by file name; served, each such <c>schemaLocation</c> is absolute.</summary>
    private static string RenderSchemaLocations(string document, string baseUrl)
    {
        foreach (var file in RequestSchemas.SchemaFiles)
        {
            document = document.Replace($"schemaLocation=\"{file}\"",
                $"schemaLocation=\"{SecurityElement.Escape($"{baseUrl}{SoapEndpointOptions.WebServicePath}/{file}")}\"", StringComparison.Ordinal);
        }

        return document;
    }
}
