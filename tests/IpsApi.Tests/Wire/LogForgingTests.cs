using System.Text.Json;
using IpsApi.Core.Users;
using IpsApi.Tests.Support;
using Serilog.Events;

namespace IpsApi.Tests.Wire;

/// <summary>
/// A value a caller controls cannot forge a log line or smuggle a terminal escape: control characters
/// are written escaped (<c>\r\n</c>, <c>\u001b</c>) in the text log; the JSON log escapes them by JSON's rules.
/// </summary>
public sealed class LogForgingTests(LoggedServerFixture fixture) : IClassFixture<LoggedServerFixture>
{
    [Fact]
    public async Task TextLog_PathWithCrLf_IsOneLineShowingTheEscapes()
    {
        var marker = Guid.NewGuid().ToString("N");
        await fixture.TextServer.Http.GetAsync($"/{marker}%0d%0a[00:00:00 ERR] Forged {marker}%1b[2J");

        await fixture.TextLog.RequestEntryAsync($"/{marker}\r\n[00:00:00 ERR] Forged {marker}\u001b[2J");
        var lines = Lines(fixture.TextLog.Text, marker);
        var line = Assert.Single(lines);
        Assert.Contains($"/{marker}\\r\\n[00:00:00 ERR] Forged {marker}\\u001b[2J responded 404", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', fixture.TextLog.Text);
        Assert.DoesNotContain('\r', fixture.TextLog.Text);
    }

    [Fact]
    public async Task TextLog_UserNameWithEscapeSequence_IsWrittenEscaped()
    {
        var company = await fixture.TextServer.AddCompanyAsync();
        var marker = Guid.NewGuid().ToString("N");
        var user = await AddUserAsync($"{marker}\u001b[31m\n{marker}@example.test", company);

        var basic = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(user.Email + ":" + user.Password));
        var reply = await fixture.TextServer.PostAsync(
            Envelopes.Invalidate("", company.Handle, []),
            configure: r => r.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", basic));

        Assert.Equal(30002, reply.Fault.Code);
        await fixture.TextLog.WaitForAsync(e => e.Properties.TryGetValue("Call", out var call) && call.ToString().Contains(marker, StringComparison.Ordinal), TimeSpan.FromSeconds(20));
        var line = Assert.Single(Lines(fixture.TextLog.Text, marker));
        Assert.Contains($"cdnCacheInvalidation by {marker}\\u001b[31m\\n{marker}@example.test fault 30002", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', fixture.TextLog.Text);
    }

    [Fact]
    public void TextLog_AnyStringProperty_IsWrittenEscaped()
    {
        var log = TextLog.For(new Dictionary<string, string?> { ["Log:Format"] = "text" });
        var template = new Serilog.Parsing.MessageTemplateParser().Parse("Call from {AppName} with {SOAPAction} and {Reasons}");

        log.Emit(new LogEvent(DateTimeOffset.UnixEpoch, LogEventLevel.Information, null, template,
        [
            new LogEventProperty("AppName", new ScalarValue("app\u001b]0;title\u0007\r\n[ERR] forged")),
            new LogEventProperty("SOAPAction", new ScalarValue("urn:x#op\u0000")),
            new LogEventProperty("Reasons", new SequenceValue([new ScalarValue("a\nb\u0085c\u2028d")])),
        ]));

        var line = Assert.Single(log.Text.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(
            "Call from app\\u001b]0;title\\u0007\\r\\n[ERR] forged with urn:x#op\\u0000 and [\"a\\nb\\u0085c\\u2028d\"]",
            line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..]);
    }

    [Fact]
    public async Task JsonLog_PathWithCrLfAndEscape_IsOneObjectHoldingTheExactPath()
    {
        var marker = Guid.NewGuid().ToString("N");
        await fixture.JsonServer.Http.GetAsync($"/{marker}%0d%0a%1b[2J{marker}");

        await fixture.JsonLog.RequestEntryAsync($"/{marker}\r\n\u001b[2J{marker}");
        var line = Assert.Single(Lines(fixture.JsonLog.Text, marker));
        using var entry = JsonDocument.Parse(line);
        Assert.Equal($"/{marker}\r\n\u001b[2J{marker}", entry.RootElement.GetProperty("RequestPath").GetString());
        Assert.Contains($"/{marker}\r\n\u001b[2J{marker} responded 404", entry.RootElement.GetProperty("@m").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', fixture.JsonLog.Text);
        Assert.DoesNotContain('\r', fixture.JsonLog.Text);
    }

    private static string[] Lines(string log, string marker) =>
        [.. log.Split('\n').Where(l => l.Contains(marker, StringComparison.Ordinal))];

    private Task<TestUser> AddUserAsync(string email, IpsApi.Core.Companies.Company company)
    {
        var password = "pw-" + Guid.NewGuid().ToString("N");
        return fixture.TextServer.WithDbAsync(async db =>
        {
            var user = new User { Email = email, PasswordHash = PasswordHasher.Hash(password), Role = Role.IpsCompanyAdmin, CreatedAt = DateTimeOffset.UtcNow };
            user.Companies.Add(await db.Companies.FindAsync(company.Id) ?? throw new InvalidOperationException("no company"));
            db.Users.Add(user);
            await db.SaveChangesAsync();
            return new TestUser(user.Id, email, password);
        });
    }
}
