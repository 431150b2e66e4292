namespace IpsApi.Tests.Support;

/// <summary>
/// Clients/JaxWsClient.java compiled against the classes JAX-WS's wsimport (Debian jaxws, on OpenJDK 17) generates from
/// the served WSDL, once per test class: wsimport and javac take most of the time these tests add.
/// </summary>
public sealed class JaxWsClientBuild : IDisposable
{
    /// <summary>The JAX-WS runtime; its manifest brings in JAXB, SAAJ and the rest from /usr/share/java.</summary>
    private const string RuntimeJar = "/usr/share/java/jaxws-rt.jar";

    /// <summary>Short-lived JVMs start faster with the client compiler alone and the serial collector.</summary>
    private static readonly string[] QuickStart = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"];

    private readonly string directory = Directory.CreateTempSubdirectory("ipsapi-jaxws-").FullName;
    private Task<string>? classPath;

    /// <summary>Runs the built client: <c>java JaxWsClient ARGUMENTS…</c>.</summary>
    public async Task<ClientProgram> RunAsync(Uri wsdl, IEnumerable<string> arguments) =>
        await ClientProgram.RunAsync("java", "openjdk-17-jdk-headless", [.. QuickStart, "-cp", await BuildAsync(wsdl), "JaxWsClient", .. arguments]);

    /// <summary>The client's class path; the first call builds it from <paramref name="wsdl"/>.</summary>
    private Task<string> BuildAsync(Uri wsdl) => classPath ??= CompileAsync(wsdl);

    private async Task<string> CompileAsync(Uri wsdl)
    {
        var sources = Path.Combine(directory, "src");
        var classes = Path.Combine(directory, "classes");
        Directory.CreateDirectory(sources);
        Directory.CreateDirectory(classes);

        // -XadditionalHeaders: the authHeader SOAP header becomes a parameter of each operation.
        var generated = await ClientProgram.RunAsync(
            "wsimport",
            "jaxws",
            ["-Xnocompile", "-XadditionalHeaders", "-quiet", "-p", "ips.client", "-s", sources, "-d", sources, wsdl.ToString()],
            new Dictionary<string, string> { ["WSIMPORT_OPTS"] = string.Join(' ', QuickStart) });
        generated.Satisfies(r => Assert.Equal(0, r.ExitCode));

        var compiled = await ClientProgram.RunAsync(
            "javac",
            "openjdk-17-jdk-headless",
            [
                .. QuickStart.Select(option => "-J" + option),
                "-nowarn", "-cp", RuntimeJar, "-d", classes,
                .. Directory.GetFiles(sources, "*.java", SearchOption.AllDirectories),
                Path.Combine(AppContext.BaseDirectory, "Clients", "JaxWsClient.java"),
            ]);
        compiled.Satisfies(r => Assert.Equal(0, r.ExitCode));
        return classes + Path.PathSeparator + RuntimeJar;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
