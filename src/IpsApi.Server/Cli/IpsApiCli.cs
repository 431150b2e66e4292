using System.CommandLine;

namespace IpsApi.Server.Cli;

/// <summary>
/// <c>ipsapi [serve|worker|migrate|company|user|invalidation|template|apikey|check|queue|audit] …</c>. Bad arguments exit 2 with one line on standard
/// error; a failure the user can fix exits 1 with one line.
/// </summary>
public static class IpsApiCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("IpsApi: the Scene7 IPS SOAP API for CDN cache invalidation (cdnCacheInvalidation, getCdnCacheInvalidationStatus).")
        {
            ServeCommand.Create(),
            WorkerCommand.Create(),
            MigrateCommand.Create(),
            CompanyCommand.Create(),
            UserCommand.Create(),
            InvalidationCommand.Create(),
            TemplateCommand.Create(),
            ApiKeyCommand.Create(),
            CheckCommand.Create(),
            QueueCommand.Create(),
            AuditCommand.Create(),
        };

        if (args.Length == 0 || (args[0].StartsWith("--", StringComparison.Ordinal) && args[0] is not ("--help" or "--version")))
        {
            args = ["serve", .. args];
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            var command = string.Join(' ', parse.CommandResult.Command == root ? [] : Path(parse.CommandResult));
            var error = parse.Errors.FirstOrDefault(e => e.Message != "Required command was not provided.") ?? parse.Errors[0];
            await Console.Error.WriteLineAsync($"ipsapi: {error.Message.ReplaceLineEndings(" ")} (see 'ipsapi {command}{(command.Length > 0 ? " " : "")}--help')");
            return 2;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (CliException e)
        {
            await Console.Error.WriteLineAsync($"ipsapi: {e.Message}");
            return 1;
        }
        catch (Core.InvalidSettingException e)
        {
            await Console.Error.WriteLineAsync($"ipsapi: {CliException.ForSetting(e).Message}");
            return 1;
        }
        catch (Exception e) when (e is Core.ConfigurationException or Core.Persistence.MigrationRefusedException)
        {
            await Console.Error.WriteLineAsync($"ipsapi: {e.Message}");
            return 1;
        }
        catch (IOException e) when (e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync($"ipsapi: {e.Message} Stop the other server or choose another address with --urls.");
            return 1;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync($"ipsapi: bad configuration: {string.Join(" ", e.Failures.Select(ConfigurationFailure))}");
            return 1;
        }
        catch (AggregateException e) when (e.InnerExceptions.All(inner => inner is Microsoft.Extensions.Options.OptionsValidationException))
        {
            // Several sections failed their start checks at once.
            var failures = e.InnerExceptions.Cast<Microsoft.Extensions.Options.OptionsValidationException>().SelectMany(inner => inner.Failures);
            await Console.Error.WriteLineAsync($"ipsapi: bad configuration: {string.Join(" ", failures.Select(ConfigurationFailure))}");
            return 1;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"ipsapi: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
            return 1;
        }
    }

    /// <summary>The validation message alone (it names the key), without the validator's wrapping.</summary>
    private static string ConfigurationFailure(string failure)
    {
        var match = System.Text.RegularExpressions.Regex.Match(failure, "with the error: '(.*)'\\.$");
        return match.Success ? match.Groups[1].Value : failure;
    }

    private static IEnumerable<string> Path(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (var current = result; current?.Parent is System.CommandLine.Parsing.CommandResult parent; current = parent)
        {
            names.Push(current.Command.Name);
        }

        return names;
    }
}
