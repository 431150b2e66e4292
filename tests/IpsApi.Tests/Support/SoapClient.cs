using System.Net.Http.Headers;
using System.Text;

namespace IpsApi.Tests.Support;

public static class SoapClient
{
    public static Task<SoapReply> PostAsync(
        this TestServer server,
        string envelope,
        string? soapAction = null,
        string contentType = "text/xml; charset=utf-8",
        Action<HttpRequestMessage>? configure = null) =>
        server.Http.PostAsync(server.ServiceAddress, envelope, soapAction, contentType, configure);

    /// <summary>Posts through a client of the test's own, e.g. one bound to another loopback address (<see cref="LoopbackSource"/>).</summary>
    public static async Task<SoapReply> PostAsync(
        this HttpClient http,
        Uri serviceAddress,
        string envelope,
        string? soapAction = null,
        string contentType = "text/xml; charset=utf-8",
        Action<HttpRequestMessage>? configure = null,
        CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, serviceAddress)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(envelope)),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (soapAction is not null)
        {
            request.Headers.TryAddWithoutValidation("SOAPAction", soapAction);
        }

        configure?.Invoke(request);
        var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return new SoapReply(response.StatusCode, body, response);
    }

    public static Task<SoapReply> PostBytesAsync(this TestServer server, byte[] body, string contentType = "text/xml; charset=utf-8") =>
        server.PostAsync("", contentType: contentType, configure: r =>
        {
            r.Content = new ByteArrayContent(body);
            r.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        });
}
