namespace IpsApi.Contracts;

/// <summary>The XML namespaces of the 2012-02-14 IPS API.</summary>
public static class IpsApiNamespaces
{
    /// <summary>Body elements of API version 2012-02-14.</summary>
    public const string Body = "http://www.scene7.com/IpsApi/xsd/2012-02-14";

    /// <summary>Headers and fault details, the same for every API version.</summary>
    public const string Common = "http://www.scene7.com/IpsApi/xsd";

    /// <summary>Legacy <c>AuthUser</c>/<c>AuthPassword</c> headers.</summary>
    public const string Legacy = "http://www.scene7.com/IpsApi";

    /// <summary>The WSDL's own target namespace (port type and binding names).</summary>
    public const string Wsdl = "http://www.scene7.com/IpsApi/wsdl/2012-02-14";
}
