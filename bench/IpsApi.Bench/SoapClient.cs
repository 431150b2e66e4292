using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace IpsApi.Bench;

/// <summary>
/// One HttpClient (SocketsHttpHandler, no proxy, no decompression, a fixed connection cap per
/// server) that posts pre-built envelopes. A success is HTTP 200 whose body holds
/// <c>&lt;invalidationHandle&gt;</c>; anything else is an error, and the first error of the
/// process is kept so it can be printed once.
/// </summary>
internal sealed class SoapClient : IDisposable
{
    private static readonly byte[] Marker = Encoding.ASCII.GetBytes("<invalidationHandle>");
    private static readonly MediaTypeHeaderValue ContentType = MediaTypeHeaderValue.Parse("text/xml; charset=utf-8");

    private readonly HttpClient http;
    private string? firstError;

    public SoapClient(int maxConnectionsPerServer)
    {
        MaxConnectionsPerServer = maxConnectionsPerServer;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = maxConnectionsPerServer,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        http = new HttpClient(handler, disposeHandler: true)
        {
            Timeout = TimeSpan.FromSeconds(30),
            DefaultRequestVersion = HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    public int MaxConnectionsPerServer { get; }

    /// <summary>The first error seen (status and body, or the exception), null if none.</summary>
    public string? FirstError => Volatile.Read(ref firstError);

    /// <summary>Posts one envelope; <paramref name="buffer"/> is the caller's scratch space for the reply.</summary>
    public async Task<bool> PostAsync(Uri target, byte[] body, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target);
            request.Headers.TryAddWithoutValidation("SOAPAction", "\"cdnCacheInvalidation\"");
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = ContentType;
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var length = 0;
            var truncated = false;
            while (true)
            {
                if (length == buffer.Length)
                {
                    // replies are small; drain anything beyond the scratch buffer
                    truncated = true;
                    length = 0;
                }

                var n = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (n == 0)
                {
                    break;
                }

                length += n;
            }

            var content = buffer.AsSpan(0, length);
            if (response.StatusCode == HttpStatusCode.OK && !truncated && content.IndexOf(Marker) >= 0)
            {
                return true;
            }

            NoteError($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}{(truncated ? " (body longer than the scratch buffer; tail shown)" : "")}: {Encoding.UTF8.GetString(content)}");
            return false;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            NoteError($"{e.GetType().Name}: {e.Message}");
            return false;
        }
    }

    public void Dispose() => http.Dispose();

    private void NoteError(string text) => Interlocked.CompareExchange(ref firstError, text, null);
}
