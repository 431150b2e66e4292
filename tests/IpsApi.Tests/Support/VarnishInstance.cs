using System.Diagnostics;
using System.Text.RegularExpressions;

namespace IpsApi.Tests.Support;

/// <summary>
/// A real varnishd (Debian package varnish, installed by scripts/test.sh) running the shipped
/// deploy/varnish/default.vcl, with its backend pointed at a test origin. Loopback only.
/// </summary>
public sealed partial class VarnishInstance : IAsyncDisposable
{
    private readonly Process process;
    private readonly string workDirectory;

    private VarnishInstance(Process process, string workDirectory, int port)
    {
        this.process = process;
        this.workDirectory = workDirectory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Starts varnishd with the shipped VCL.</summary>
    /// <param name="backendPort">The test origin's port.</param>
    /// <param name="purgerAcl">Replaces the ACL's addresses when given.</param>
    /// <param name="port">The port to listen on; a free one when not given.</param>
    /// <param name="editVcl">Changes the shipped VCL before it is loaded (a misconfigured VCL, say).</param>
    public static async Task<VarnishInstance> StartAsync(int backendPort, string? purgerAcl = null, int? port = null, Func<string, string>? editVcl = null)
    {
        var vcl = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "deploy", "varnish", "default.vcl"));
        vcl = editVcl?.Invoke(vcl) ?? vcl;
        vcl = BackendPort().Replace(vcl, $".port = \"{backendPort}\";", 1);
        if (purgerAcl is not null)
        {
            vcl = PurgerAcl().Replace(vcl, $"acl purgers {{\n    \"{purgerAcl}\";\n}}", 1);
        }

        var work = Directory.CreateTempSubdirectory("ipsapi-varnish-").FullName;
        var vclPath = Path.Combine(work, "test.vcl");
        await File.WriteAllTextAsync(vclPath, vcl);
        var listenPort = port ?? IpsApiProcess.FreePort();
        var executable = File.Exists("/usr/sbin/varnishd") ? "/usr/sbin/varnishd" : "varnishd";
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-F", "-j", "none", "-n", Path.Combine(work, "n"), "-a", $"127.0.0.1:{listenPort}", "-f", vclPath, "-s", "malloc,32m", "-T", "none" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("varnishd did not start");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var varnish = new VarnishInstance(process, work, listenPort);
        switch (await LoopbackListener.WaitAsync(listenPort, process, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100)))
        {
            case LoopbackListener.Wait.Listening:
                return varnish;
            case LoopbackListener.Wait.Exited:
                throw new InvalidOperationException($"varnishd exited with {process.ExitCode}; is the VCL valid?");
        }

        await varnish.DisposeAsync();
        throw new TimeoutException("varnishd did not listen within 10 s");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        try
        {
            Directory.Delete(workDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex(@"\.port = ""\d+"";")]
    private static partial Regex BackendPort();

    [GeneratedRegex(@"acl purgers \{[^}]*\}")]
    private static partial Regex PurgerAcl();
}
