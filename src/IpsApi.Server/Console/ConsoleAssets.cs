using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace IpsApi.Server.WebConsole;

/// <summary>
/// The console's one style sheet, one script and its icon, embedded in the server so that the console works wherever the
/// executable runs (no web root to deploy, nothing from another host). Served with an entity tag, so a browser
/// asks again cheaply and never keeps an old copy after an upgrade.
/// </summary>
public static class ConsoleAssets
{
    public const string StyleSheet = "/console/assets/console.css";

    public const string Script = "/console/assets/console.js";

    /// <summary>Named by every page, so that a browser does not ask for <c>/favicon.ico</c> and log its 404.</summary>
    public const string Icon = "/console/assets/favicon.svg";

    private static readonly FrozenDictionary<string, Asset> Assets = new Dictionary<string, Asset>
    {
        ["console.css"] = Load("console.css", "text/css; charset=utf-8"),
        ["console.js"] = Load("console.js", "text/javascript; charset=utf-8"),
        ["favicon.svg"] = Load("favicon.svg", "image/svg+xml"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static IEndpointConventionBuilder MapConsoleAssets(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/console/assets/{name}", (string name, HttpContext http) =>
        {
            if (!Assets.TryGetValue(name, out var asset))
            {
                return Results.NotFound();
            }

            http.Response.Headers.CacheControl = "no-cache";
            return Results.Bytes(asset.Content, asset.ContentType, entityTag: asset.EntityTag);
        });

    private static Asset Load(string name, string contentType)
    {
        using var stream = typeof(ConsoleAssets).Assembly.GetManifestResourceStream("console/" + name)
            ?? throw new InvalidOperationException($"The console asset {name} is not embedded in the server.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var content = memory.ToArray();
        var tag = new EntityTagHeaderValue("\"" + Convert.ToHexString(SHA256.HashData(content))[..16] + "\"");
        return new Asset(content, contentType, tag);
    }

    private sealed record Asset(byte[] Content, string ContentType, EntityTagHeaderValue EntityTag);
}
