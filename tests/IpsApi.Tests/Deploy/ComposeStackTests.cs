using System.Text.RegularExpressions;
using IpsApi.Core;
using IpsApi.Core.Mail;
using IpsApi.Core.Persistence;
using IpsApi.Core.Purge.Varnish;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using YamlDotNet.RepresentationModel;

namespace IpsApi.Tests.Deploy;

/// <summary>
/// docker-compose.yml, Dockerfile, .env.example and deploy/varnish/default.vcl read as files (there is no Docker engine
/// on the build machines): the services are there, each with a healthcheck, a restart policy and a non-root user; the
/// image is built once; the server reads the settings the stack gives it; every variable has its line in .env.example.
/// </summary>
public sealed partial class ComposeStackTests
{
    private static readonly string Root = FindRoot();

    private static readonly YamlMappingNode Compose = Load();

    private static YamlMappingNode Services => (YamlMappingNode)Compose["services"];

    [Fact]
    public void Stack_HasItsServices_EachWithARestartPolicy_AndAHealthcheckUnlessOneShot()
    {
        Assert.Equal(
            ["db", "ipsapi", "mailpit", "migrate", "prometheus", "varnish", "worker"],
            Services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order(StringComparer.Ordinal));
        foreach (var (name, service) in Each())
        {
            Assert.True(service.Children.ContainsKey("restart"), $"{name} has no restart policy");
            if (name == "migrate")
            {
                Assert.Equal("no", Scalar(service, "restart"));
                continue;
            }

            var healthcheck = Assert.IsType<YamlMappingNode>(service["healthcheck"]);
            Assert.NotEmpty(Assert.IsType<YamlSequenceNode>(healthcheck["test"]).Children);
        }

        Assert.Contains("/healthz/ready", string.Join(" ", ((YamlSequenceNode)((YamlMappingNode)Services["ipsapi"])["healthcheck"]["test"]).Children));
    }

    [Fact]
    public void ImageIsBuiltOnce_AndRunsAsTheImagesNonRootUser_OtherServicesNameTheirUser()
    {
        var built = Each().Where(s => s.Service.Children.ContainsKey("build")).Select(s => s.Name).ToList();
        Assert.Equal(["ipsapi"], built);
        var image = Scalar(Services["ipsapi"], "image");
        Assert.Equal(["ipsapi", "migrate", "worker"], Each().Where(s => Scalar(s.Service, "image") == image).Select(s => s.Name).Order(StringComparer.Ordinal));

        var dockerfile = File.ReadAllText(Path.Combine(Root, "Dockerfile"));
        var runtime = dockerfile[dockerfile.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];
        Assert.Contains("mcr.microsoft.com/dotnet/aspnet:", runtime, StringComparison.Ordinal);
        Assert.Matches(@"\nUSER \$APP_UID\n", runtime);
        Assert.Contains("FROM mcr.microsoft.com/dotnet/sdk:", dockerfile, StringComparison.Ordinal);
        foreach (var (name, service) in Each().Where(s => Scalar(s.Service, "image") != image))
        {
            var user = Scalar(service, "user");
            Assert.False(user is null or "root" or "0" || user.StartsWith("0:", StringComparison.Ordinal), $"{name} runs as root");
        }
    }

    [Fact]
    public void ApiAndWorkers_StartOnceMigrateHasSucceeded_AfterTheDatabaseIsHealthy()
    {
        foreach (var name in new[] { "ipsapi", "worker" })
        {
            Assert.Equal("service_completed_successfully", Scalar(((YamlMappingNode)Services[name])["depends_on"]["migrate"], "condition"));
        }

        Assert.Equal("service_healthy", Scalar(((YamlMappingNode)Services["migrate"])["depends_on"]["db"], "condition"));
        Assert.Equal(["migrate"], ((YamlSequenceNode)Services["migrate"]["command"]).Children.Select(c => c.ToString()));
        Assert.Equal(["worker"], ((YamlSequenceNode)Services["worker"]["command"]).Children.Select(c => c.ToString()));
    }

    [Fact]
    public void EveryVariableTheStackReads_HasItsLineInEnvExample_AndEnvIsNeverCommittedOrCopied()
    {
        var text = File.ReadAllText(Path.Combine(Root, "docker-compose.yml"));
        var used = Variable().Matches(text).Select(m => m.Groups[1].Value).Distinct().ToList();
        var example = EnvExample();
        Assert.Contains("POSTGRES_PASSWORD", used);
        Assert.All(used, name => Assert.True(example.ContainsKey(name), $"{name} is not in .env.example"));
        Assert.Contains(".env", File.ReadAllLines(Path.Combine(Root, ".gitignore")));
        Assert.Contains(".env", File.ReadAllLines(Path.Combine(Root, ".dockerignore")));
    }

    [Fact]
    public void ServerReadsTheSettingsTheStackGivesIt()
    {
        // With the values of .env.example, which must make a configuration the server starts with.
        var example = EnvExample();
        var environment = (YamlMappingNode)Services["ipsapi"]["environment"];
        var settings = environment.Children.ToDictionary(
            e => ((YamlScalarNode)e.Key).Value!.Replace("__", ":", StringComparison.Ordinal),
            e => (string?)Variable().Replace(((YamlScalarNode)e.Value).Value!, m => example[m.Groups[1].Value]));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddIpsCore(configuration).BuildServiceProvider();

        Assert.Equal(DatabaseProvider.Postgres, services.GetRequiredService<DatabaseSettings>().Provider);
        Assert.Equal("Host=db;Username=ipsapi;Password=change-me;Database=ipsapi", configuration.GetConnectionString(DatabaseSettings.ConnectionStringName));
        var smtp = services.GetRequiredService<IOptions<SmtpOptions>>().Value;
        Assert.Equal(("mailpit", 1025, SmtpSecurity.None, "ipsapi@example.com"), (smtp.Host, smtp.Port, smtp.Security, smtp.From));
        services.GetRequiredService<IStartupValidator>().Validate();
        Assert.Equal([new Uri("http://varnish:6081")], services.GetRequiredService<IOptions<VarnishOptions>>().Value.Nodes);
        Assert.Same(environment, Services["worker"]["environment"]);
        Assert.Same(environment, Services["migrate"]["environment"]);
    }

    [Fact]
    public void Varnish_UsesTheShippedVcl_WhoseAclAcceptsPurgesFromThePurgeNetwork()
    {
        Assert.Contains("./deploy/varnish/default.vcl:/etc/varnish/default.vcl:ro", ((YamlSequenceNode)Services["varnish"]["volumes"]).Children.Select(c => c.ToString()));
        Assert.Contains("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro", ((YamlSequenceNode)Services["prometheus"]["volumes"]).Children.Select(c => c.ToString()));
        var subnet = Scalar(((YamlSequenceNode)Compose["networks"]["purge"]["ipam"]["config"]).Children[0], "subnet")!;
        var (address, bits) = (subnet.Split('/')[0], subnet.Split('/')[1]);
        var vcl = File.ReadAllText(Path.Combine(Root, "deploy", "varnish", "default.vcl"));
        Assert.Contains($"\"{address}\"/{bits};", Acl().Match(vcl).Value, StringComparison.Ordinal);
        foreach (var name in new[] { "ipsapi", "worker", "varnish" })
        {
            Assert.Contains("purge", ((YamlSequenceNode)Services[name]["networks"]).Children.Select(c => c.ToString()));
        }

        Assert.DoesNotContain("purge", ((YamlSequenceNode)Services["prometheus"]["networks"]).Children.Select(c => c.ToString()));
    }

    private static Dictionary<string, string> EnvExample() =>
        File.ReadAllLines(Path.Combine(Root, ".env.example"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);

    private static IEnumerable<(string Name, YamlMappingNode Service)> Each() =>
        Services.Children.Select(c => (((YamlScalarNode)c.Key).Value!, (YamlMappingNode)c.Value));

    private static string? Scalar(YamlNode node, string key) =>
        ((YamlMappingNode)node).Children.TryGetValue(key, out var value) ? ((YamlScalarNode)value).Value : null;

    private static YamlMappingNode Load()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Root, "docker-compose.yml"));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "docker-compose.yml")) && File.Exists(Path.Combine(directory.FullName, "IpsApi.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("the repository's root (docker-compose.yml beside IpsApi.sln) is not above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\$\{([A-Z_][A-Z0-9_]*)[^}]*\}")]
    private static partial Regex Variable();

    [GeneratedRegex(@"acl purgers \{[^}]*\}")]
    private static partial Regex Acl();
}
