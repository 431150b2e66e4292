using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using IpsApi.Core.ApiKeys;
using IpsApi.Core.Users;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Support;

/// <summary>Calls of the JSON API under <c>/api/v1</c> as a plain HTTP client makes them, with Basic or Bearer credentials.</summary>
public static class JsonApi
{
    public static AuthenticationHeaderValue Basic(TestUser user) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user.Email}:{user.Password}")));

    public static AuthenticationHeaderValue Bearer(string key) => new("Bearer", key);

    public static string Company(string handle) => $"/api/v1/companies/{Uri.EscapeDataString(handle)}/invalidations";

    public static string Invalidation(string handle) => $"/api/v1/invalidations/{Uri.EscapeDataString(handle)}";

    public static string UrlsBody(params string[] urls) => JsonSerializer.Serialize(new { urls });

    public static Task<JsonReply> PostAsync(this TestServer server, string path, AuthenticationHeaderValue? auth, string? json, string contentType = "application/json") =>
        server.SendAsync(HttpMethod.Post, path, auth, json is null ? null : new StringContent(json, Encoding.UTF8, contentType));

    public static Task<JsonReply> GetAsync(this TestServer server, string path, AuthenticationHeaderValue? auth) =>
        server.SendAsync(HttpMethod.Get, path, auth, null);

    public static async Task<JsonReply> SendAsync(this TestServer server, HttpMethod method, string path, AuthenticationHeaderValue? auth, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = auth;
        using var response = await server.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        return new JsonReply(
            response.StatusCode,
            body,
            response.Content.Headers.ContentType?.MediaType,
            response.Headers.Location?.OriginalString,
            [.. response.Headers.WwwAuthenticate.Select(h => h.ToString())]);
    }

    /// <summary>A key for <paramref name="companyHandle"/> made as the operator makes one.</summary>
    public static async Task<CreatedApiKey> CreateKeyAsync(this TestServer server, string companyHandle, string name = "test key")
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ApiKeyRegistry>().CreateAsync(Caller.Operator("tester"), companyHandle, name, CancellationToken.None);
    }

    public static async Task RevokeKeyAsync(this TestServer server, string prefix)
    {
        await using var scope = server.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ApiKeyRegistry>().RevokeAsync(Caller.Operator("tester"), prefix, CancellationToken.None);
    }
}
