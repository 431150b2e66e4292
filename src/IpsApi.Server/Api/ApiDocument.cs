using System.Text.Json.Nodes;
using IpsApi.Server.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace IpsApi.Server.Api;

/// <summary>
/// The JSON API's OpenAPI 3 document, generated from its endpoints and served at <see cref="DocumentPath"/>, and a
/// reference page at <see cref="ReferencePath"/> whose scripts IpsApi serves itself (no CDN, no web fonts, no
/// telemetry): the servers are those of the operator's network, which may reach nothing outside.
/// </summary>
public static class ApiDocument
{
    public const string DocumentPath = InvalidationsApi.Prefix + "/openapi.json";

    public const string ReferencePath = InvalidationsApi.Prefix + "/docs";

    private const string BasicScheme = "basic";

    private const string BearerScheme = "bearer";

    public static IServiceCollection AddIpsApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith(InvalidationsApi.Prefix[1..] + "/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, context, _) =>
            {
                Describe(document, context.ApplicationServices.GetService<IHttpContextAccessor>()?.HttpContext?.Request);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                if (operation.OperationId == "CreateInvalidation")
                {
                    return DescribeCreateBodyAsync(operation, context);
                }

                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, context, _) =>
            {
                if (context.JsonTypeInfo.Type == typeof(Microsoft.AspNetCore.Mvc.ProblemDetails))
                {
                    schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
                    schema.Properties[IpsProblems.FaultCodeMember] = new OpenApiSchema
                    {
                        Type = JsonSchemaType.Integer,
                        Format = "int32",
                        Description = "The IPS fault code, as the SOAP fault's detail carries it (10000–10002, 20000–20009, 30000–30003).",
                    };
                }

                return Task.CompletedTask;
            });
        });

    /// <summary>
    /// The reference page may load nothing from elsewhere: a browser refuses any script, style, font or request that
    /// does not come from this server.
    /// </summary>
    public const string ReferencePolicy =
        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

    public static IApplicationBuilder UseIpsApiDocumentPolicy(this IApplicationBuilder app) =>
        app.UseWhen(
            http => http.Request.Path.StartsWithSegments(ReferencePath, StringComparison.Ordinal),
            reference => reference.Use(next => http =>
            {
                http.Response.Headers.ContentSecurityPolicy = ReferencePolicy;
                return next(http);
            }));

    public static IEndpointRouteBuilder MapIpsApiDocument(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(DocumentPath);
        app.MapScalarApiReference(ReferencePath, options => options
            .WithTitle("IpsApi JSON API")
            .WithOpenApiRoutePattern(DocumentPath)
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent());
        return app;
    }

    private static void Describe(OpenApiDocument document, HttpRequest? request)
    {
        document.Info = new OpenApiInfo
        {
            Title = "IpsApi JSON API",
            Version = "v1",
            Description = "CDN cache invalidation for Scene7 / Dynamic Media companies, beside the IPS SOAP API and with its rules: "
                + "the same URL checks, limits, tenant rules and fault codes (as problem details with faultCode). "
                + "Authenticate with a company's API key (Authorization: Bearer KEY) or as an IPS user with HTTP Basic.",
        };
        // The address the client used (as a trusted proxy forwarded it), so that the reference page calls this server.
        document.Servers = request is null
            ? [new OpenApiServer { Url = "http://127.0.0.1:8080", Description = "The default address of ipsapi serve" }]
            : [new OpenApiServer { Url = $"{request.Scheme}://{request.Host}{request.PathBase}", Description = "This server" }];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [BasicScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "basic",
                Description = "An IPS user (IpsAdmin, or IpsCompanyAdmin of the company) as email:password.",
            },
            [BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "ipsk_ + 12 hex digits + _ + 43 base64url characters",
                Description = "A company's API key, from 'ipsapi apikey create'; it acts for that one company.",
            },
        };
        document.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BasicScheme, document)] = [] },
        ];
        document.Tags = new HashSet<OpenApiTag>
        {
            new() { Name = "Invalidations", Description = "Submit, poll, list and retry CDN cache invalidations." },
            new() { Name = "Templates", Description = "A company's CDN invalidation template: the URLs an asset ID expands to." },
        };
    }

    /// <summary>The create operation reads its body itself (to enforce the size limit while reading), so its schema is declared here.</summary>
    private static async Task DescribeCreateBodyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var schema = await context.GetOrCreateSchemaAsync(typeof(CreateInvalidationRequest), parameterDescription: null);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Description = $"At most {ApiOptions.DefaultMaxRequestBodyBytes} bytes unless Api:MaxRequestBodyBytes says otherwise; unknown members are refused.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new()
                {
                    Schema = schema,
                    Examples = new Dictionary<string, IOpenApiExample>
                    {
                        ["urls"] = new OpenApiExample
                        {
                            Summary = "Two preset URLs of one image, with a confirmation mail",
                            Value = JsonNode.Parse("""
                                {"scope":"original","urls":["https://images.example.com/is/image/Example/shoe?$thumbnail$","https://images.example.com/is/image/Example/shoe?$product$"],"emailConfirmation":{"ccOriginator":false,"ccOthers":["web@example.com"]}}
                                """),
                        },
                        ["all"] = new OpenApiExample
                        {
                            Summary = "The company's whole cache",
                            Value = JsonNode.Parse("""{"scope":"all"}"""),
                        },
                    },
                },
            },
        };
    }
}
