using System.Net.Http.Headers;
using System.Text;
using IpsApi.Core.Companies;
using IpsApi.Core.Hooks;
using IpsApi.Core.Templates;
using IpsApi.Core.Users;
using IpsApi.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace IpsApi.Tests.Hooks;

/// <summary>A company set up for the asset-version webhook through the core's own services: its template and webhook secret.</summary>
internal sealed record HookCompany(Company Company, string Secret)
{
    public static readonly string[] Presets = ["", "?$thumbnail$", "?$product$"];

    /// <summary>A new company whose template is its image URL with each of <see cref="Presets"/>, unless told to have none.</summary>
    public static async Task<HookCompany> AddAsync(TestServer server, bool template = true)
    {
        var company = await server.AddCompanyAsync();
        await using var scope = server.Services.CreateAsyncScope();
        var admin = Caller.Operator("test");
        if (template)
        {
            var text = string.Join('\n', Presets.Select(p => $"https://{company.PublishHosts[0]}/is/image/{company.RootId}/<ID>{p}"));
            await scope.ServiceProvider.GetRequiredService<TemplateService>().SetAsync(admin, company.Handle, text, default);
        }

        var (_, secret, _) = await scope.ServiceProvider.GetRequiredService<CompanySettings>().WebhookSecretAsync(admin, company.Handle, rotate: false, default);
        return new HookCompany(company, secret);
    }

    public string Body(string assetId) => $$"""{"companyHandle":"{{Company.Handle}}","assetId":"{{assetId}}"}""";

    public string Sign(string body) => AssetVersionSignature.Header(Secret, Encoding.UTF8.GetBytes(body));

    public static async Task<HttpResponseMessage> PostAsync(TestServer server, string body, string? signature, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hooks/asset-version") { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation(AssetVersionSignature.HeaderName, signature);
        }

        return await server.Http.SendAsync(request);
    }
}
