using System.CommandLine;
using System.Text;
using IpsApi.Core.Faults;
using IpsApi.Core.Templates;
using IpsApi.Core.Users;

namespace IpsApi.Server.Cli;

/// <summary>
/// <c>ipsapi template set|show</c>: a company's CDN invalidation template, the URLs that <c>invalidation add --asset</c>
/// and the asset-version webhook expand for each asset.
/// </summary>
internal static class TemplateCommand
{
    /// <summary>A template is at most 2,500 characters; a file far larger is refused before it is read whole.</summary>
    private const int MaxFileBytes = 64 * 1024;

    public static Command Create()
    {
        var command = new Command("template", $"A company's CDN invalidation template: one URL per line with {InvalidationTemplate.Placeholder} where the asset ID goes.");
        command.Subcommands.Add(Set());
        command.Subcommands.Add(Show());
        return command;
    }

    private static Command Set()
    {
        var company = CompanyOption();
        var file = new Option<string>("--file")
        {
            Description = $"The template: one URL per line, each with {InvalidationTemplate.Placeholder}, e.g. https://img.example.com/is/image/Root/<ID>?$thumb$ "
                + $"(a line of just {InvalidationTemplate.Placeholder} is https://<first publish host>/is/image/<root>/<ID>); at most {InvalidationTemplate.MaxLength} characters; "
                + "- reads standard input; an empty file removes the template.",
            Required = true,
        };
        var command = new Command("set", "Save a company's CDN invalidation template (replacing the one it has).") { company, file };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var text = await ReadAsync(parse.GetValue(file)!, ct);
            var handle = parse.GetValue(company);
            return await AsOperatorAsync(handle, async caller =>
            {
                await services.GetRequiredService<TemplateService>().SetAsync(caller, handle, text, ct);
                var lines = InvalidationTemplate.Parse(text?.ReplaceLineEndings("\n")).Count;
                Console.WriteLine(lines == 0
                    ? $"Removed the CDN invalidation template of company {handle}."
                    : $"Saved the CDN invalidation template of company {handle}: {lines} line(s).");
                return 0;
            });
        }, cancellationToken));
        return command;
    }

    private static Command Show()
    {
        var company = CompanyOption();
        var command = new Command("show", "Print a company's CDN invalidation template as saved (nothing when it has none).") { company };
        command.SetAction((parse, cancellationToken) => CliHost.RunAsync(async (services, ct) =>
        {
            var handle = parse.GetValue(company);
            return await AsOperatorAsync(handle, async caller =>
            {
                if (await services.GetRequiredService<TemplateService>().GetAsync(caller, handle, ct) is { } text)
                {
                    Console.Write(text.EndsWith('\n') ? text : text + "\n");
                }
                else
                {
                    await Console.Error.WriteLineAsync($"company {handle} has no CDN invalidation template: 'ipsapi template set --company {handle} --file PATH' saves one");
                }

                return 0;
            });
        }, cancellationToken, StoreUse.Read));
        return command;
    }

    private static Option<string> CompanyOption() =>
        new Option<string>("--company") { Description = "The company's handle, e.g. c|1.", Required = true }
            .Checked(value => _ = CompanyCommand.CompanyId(value));

    /// <summary>Runs <paramref name="work"/> as the operator; an unknown company is named as such, any other fault is the command's failure.</summary>
    private static async Task<int> AsOperatorAsync(string? handle, Func<Caller, Task<int>> work)
    {
        try
        {
            return await work(Caller.Operator(Environment.UserName));
        }
        catch (IpsFaultException e) when (e.Fault.Code == FaultCodes.InvalidCompany)
        {
            throw new CliException($"no company {handle}: 'ipsapi company list' shows the handles");
        }
        catch (IpsFaultException e)
        {
            throw new CliException(InvalidationCommand.Refusal(e.Fault));
        }
    }

    private static async Task<string> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
            var buffer = new byte[MaxFileBytes + 1];
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            if (read > MaxFileBytes)
            {
                throw new CliException($"{(path == "-" ? "standard input" : path)} holds more than {MaxFileBytes} bytes; a template is at most {InvalidationTemplate.MaxLength} characters");
            }

            return new UTF8Encoding(false, true).GetString(buffer, 0, read).TrimStart('\uFEFF');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DecoderFallbackException)
        {
            throw new CliException($"cannot read {path}: {e.Message}");
        }
    }
}
