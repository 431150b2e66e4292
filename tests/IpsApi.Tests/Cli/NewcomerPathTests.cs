using System.Net;
using System.Text;
using IpsApi.Tests.Support;

namespace IpsApi.Tests.Cli;

/// <summary>
/// The README's path, run for real: serve on the embedded default, run the commands it prints from
/// another directory, call the API.
/// </summary>
public sealed class NewcomerPathTests
{
    [Fact]
    public async Task Serve_OnTheEmbeddedDefault_GuidesTheNewcomerAndTakesACall()
    {
        using var cli = new IpsApiProcess();
        var port = IpsApiProcess.FreePort();
        using var server = cli.Start("--urls", $"http://127.0.0.1:{port}");
        try
        {
            var output = new StringBuilder();
            var error = new StringBuilder();
            server.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            server.ErrorDataReceived += (_, e) => { lock (error) { error.AppendLine(e.Data); } };
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitUntilHealthyAsync(http);

            // The store in the user's data directory, named on standard error and in the log.
            lock (error)
            {
                Assert.StartsWith($"ipsapi: store SQLite {cli.DefaultStore}{Environment.NewLine}", error.ToString(), StringComparison.Ordinal);
            }

            string[] printed;
            lock (output)
            {
                Assert.Contains($"Store: SQLite {cli.DefaultStore}", output.ToString(), StringComparison.Ordinal);
                var lines = output.ToString().Split(Environment.NewLine);
                var heading = Array.IndexOf(lines, "No users yet. Create a company and an admin, then call the API:");
                Assert.True(heading >= 0, output.ToString());
                printed = [.. lines.Skip(heading + 1).TakeWhile(line => line.StartsWith("  ", StringComparison.Ordinal)).Select(line => line.Trim())];
                Assert.Contains($"Then sign in to the web console as that admin: http://127.0.0.1:{port}/console", lines);
                Assert.Contains($"The JSON API and its reference: http://127.0.0.1:{port}/api/v1/docs", lines);
            }

            // The addresses it names answer: the console with its sign-in page, the API with its reference.
            using (var console = await http.GetAsync(new Uri("/console", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.OK, console.StatusCode);
                Assert.Equal("/console/signin", console.RequestMessage!.RequestUri!.AbsolutePath);
            }

            using (var docs = await http.GetAsync(new Uri("/api/v1/docs", UriKind.Relative)))
            {
                Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
            }

            // The printed commands, verbatim, from another directory: the store does not depend on it.
            Assert.Equal(2, printed.Length);
            Assert.EndsWith("company add --name \"Example\" --root Example --publish-host images.example.com", printed[0], StringComparison.Ordinal);
            var elsewhere = cli.CreateDirectory("elsewhere");
            foreach (var command in printed)
            {
                var run = await cli.RunShellAsync(elsewhere, command);
                Assert.True(run.ExitCode == 0, $"{command}: {run.Err}");
            }

            Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
            Assert.Empty(Directory.EnumerateFileSystemEntries(cli.WorkingDirectory));

            var first = await PostAsync(http, "change-me-please");
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            var handle = System.Xml.Linq.XDocument.Parse(await first.Content.ReadAsStringAsync())
                .Descendants(System.Xml.Linq.XName.Get("invalidationHandle", Envelopes.BodyNs)).Single().Value;

            // With nothing configured, serve's own worker takes the request through the log provider to Done.
            var status = "";
            for (var poll = 0; poll < 100 && !status.Contains("<status>Done</status>", StringComparison.Ordinal); poll++)
            {
                await Task.Delay(100);
                var reply = await http.PostAsync("/scene7/services/IpsApiService", new StringContent(
                    Envelopes.Status(Envelopes.AuthHeader("admin@example.com", "change-me-please"), handle), Encoding.UTF8, "text/xml"));
                status = await reply.Content.ReadAsStringAsync();
            }

            Assert.Contains("<status>Done</status><estimatedSeconds>0</estimatedSeconds><successCount>1</successCount>", status, StringComparison.Ordinal);
            lock (output)
            {
                Assert.Contains("Purge recorded for 1 URL(s)", output.ToString(), StringComparison.Ordinal);
            }

            Assert.Equal(0, (await cli.RunInAsync(elsewhere, "a-new-password\n", "user", "passwd", "--email", "admin@example.com", "--password-stdin")).ExitCode);
            var oldPassword = await PostAsync(http, "change-me-please");
            var newPassword = await PostAsync(http, "a-new-password");
            Assert.Equal(HttpStatusCode.InternalServerError, oldPassword.StatusCode);
            Assert.Contains("<code>10001</code>", await oldPassword.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, newPassword.StatusCode);
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string password) =>
        http.PostAsync("/scene7/services/IpsApiService", new StringContent(
            Envelopes.Invalidate(Envelopes.AuthHeader("admin@example.com", password), "c|1", ["https://images.example.com/is/image/Example/shoe"]),
            Encoding.UTF8, "text/xml"));

    private static async Task WaitUntilHealthyAsync(HttpClient http)
    {
        // 60 s: the start creates and migrates a fresh store, while the suite runs other classes that
        // start the executable too; on two busy cores that took over 20 s.
        for (var attempt = 0; attempt < 600; attempt++)
        {
            try
            {
                if ((await http.GetAsync("/healthz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("ipsapi serve did not answer /healthz within 60 s");
    }
}
