using System.Globalization;
using System.Xml;
using IpsApi.Contracts;
using Microsoft.Extensions.Options;

namespace IpsApi.Server.Soap;

/// <summary>
/// Reads a request envelope in one pass with DTDs prohibited and no resolver: picks out the
/// auth headers and validates the single body element against the shipped XSD. Elements nested
/// deeper than <see cref="SoapEndpointOptions.MaxElementDepth"/> are refused as they are read, so the
/// work is linear in the bytes read and bounded by the depth limit, whatever the nesting.
/// </summary>
public sealed class SoapRequestReader(RequestSchemas schemas, IOptions<SoapEndpointOptions> options)
{
    private readonly int maxDepth = options.Value.MaxElementDepth;

    private static readonly Dictionary<XmlQualifiedName, string> Operations = new()
    {
        [new XmlQualifiedName("cdnCacheInvalidationParam", IpsApiNamespaces.Body)] = OperationNames.CdnCacheInvalidation,
        [new XmlQualifiedName("getCdnCacheInvalidationStatusParam", IpsApiNamespaces.Body)] = OperationNames.GetCdnCacheInvalidationStatus,
    };

    /// <exception cref="SoapReadException">The envelope is not one this service reads (elements nested too deep among others).</exception>
    /// <exception cref="XmlException">The body is not well-formed XML.</exception>
    /// <exception cref="OperationCanceledException">The request was aborted.</exception>
    public SoapRequest Read(Stream body, CancellationToken cancellationToken)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            CloseInput = false,
        };
        using var reader = new BoundedXmlReader(XmlReader.Create(body, settings), maxDepth, cancellationToken);
        reader.MoveToContent();
        var version = reader.NamespaceURI switch
        {
            SoapEnvelopeNamespaces.Soap11 when reader.LocalName == "Envelope" => SoapVersion.Soap11,
            SoapEnvelopeNamespaces.Soap12 when reader.LocalName == "Envelope" => SoapVersion.Soap12,
            _ => throw new SoapReadException($"The root element is '{reader.Name}' in namespace '{reader.NamespaceURI}', not a SOAP 1.1 or 1.2 Envelope."),
        };
        var envelopeNs = reader.NamespaceURI;
        var request = new SoapRequest { Version = version };

        if (!reader.ReadToFirstChildElement())
        {
            throw new SoapReadException("The Envelope has no Body.");
        }

        if (reader.LocalName == "Header" && reader.NamespaceURI == envelopeNs)
        {
            ReadHeaders(reader, request.Headers);
            reader.MoveToContent();
        }

        if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "Body" || reader.NamespaceURI != envelopeNs)
        {
            throw new SoapReadException($"Expected the Envelope's Body, found '{reader.Name}'.");
        }

        if (!reader.ReadToFirstChildElement())
        {
            throw new SoapReadException("The Body is empty: it must hold one operation element.");
        }

        request.BodyElement = new XmlQualifiedName(reader.LocalName, reader.NamespaceURI);
        if (!Operations.TryGetValue(request.BodyElement, out var operation))
        {
            request.Problems.Add($"The body element '{reader.LocalName}' in namespace '{reader.NamespaceURI}' is not an operation of this service; "
                + $"expected cdnCacheInvalidationParam or getCdnCacheInvalidationStatusParam in namespace '{IpsApiNamespaces.Body}'.");
            return request;
        }

        request.Operation = operation;
        SoapBodyValidator.Validate(reader, schemas.Set, request.Problems);
        reader.MoveToContent();
        if (reader.NodeType == XmlNodeType.Element)
        {
            request.Problems.Add($"The Body holds more than one element ('{reader.Name}' follows the operation element).");
        }

        // What the dispatcher will read after this is well-formed and within the depth limit too.
        while (reader.Read())
        {
        }

        return request;
    }

    private static void ReadHeaders(XmlReader reader, AuthHeaderValues headers)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return;
        }

        reader.Read();
        while (reader.MoveToContent() == XmlNodeType.Element)
        {
            switch (reader.NamespaceURI, reader.LocalName)
            {
                case (IpsApiNamespaces.Common, "authHeader"):
                    ReadAuthHeader(reader, headers);
                    break;
                case (IpsApiNamespaces.Legacy, "AuthUser"):
                    headers.LegacyUser = reader.ReadElementContentAsString();
                    break;
                case (IpsApiNamespaces.Legacy, "AuthPassword"):
                    headers.LegacyPassword = reader.ReadElementContentAsString();
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        reader.ReadEndElement();
    }

    /// <summary>
    /// Children in the header namespace or none (some toolkits leave them unqualified), in any order. An
    /// authHeader with neither user nor password (JAX-WS writes a null header as <c>xsi:nil="true"</c>) counts
    /// as absent, so HTTP Basic or the 401 challenge applies.
    /// </summary>
    private static void ReadAuthHeader(XmlReader reader, AuthHeaderValues headers)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return;
        }

        reader.Read();
        while (reader.MoveToContent() == XmlNodeType.Element)
        {
            if (reader.NamespaceURI is not (IpsApiNamespaces.Common or ""))
            {
                reader.Skip();
                continue;
            }

            switch (reader.LocalName)
            {
                case "user": headers.User = reader.ReadElementContentAsString(); break;
                case "password": headers.Password = reader.ReadElementContentAsString(); break;
                case "locale": headers.Locale = reader.ReadElementContentAsString(); break;
                case "appName": headers.AppName = reader.ReadElementContentAsString(); break;
                case "appVersion": headers.AppVersion = reader.ReadElementContentAsString(); break;
                case "gzipResponse": headers.GzipResponse = ReadBoolean(reader); break;
                case "faultHttpStatusCode": headers.FaultHttpStatusCode = ReadStatusCode(reader); break;
                default: reader.Skip(); break;
            }
        }

        reader.ReadEndElement();
    }

    private static bool? ReadBoolean(XmlReader reader)
    {
        var text = reader.ReadElementContentAsString().Trim();
        return text switch
        {
            "true" or "1" => true,
            "false" or "0" => false,
            _ => throw new SoapReadException($"authHeader/gzipResponse must be true or false, not '{text}'."),
        };
    }

    private static int? ReadStatusCode(XmlReader reader)
    {
        var text = reader.ReadElementContentAsString().Trim();
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 200 and <= 599
            ? code
            : throw new SoapReadException($"authHeader/faultHttpStatusCode must be an HTTP status code from 200 to 599, not '{text}'.");
    }
}
