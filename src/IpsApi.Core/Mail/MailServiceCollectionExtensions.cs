using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Mail;

public static class MailServiceCollectionExtensions
{
    /// <summary>
    /// Registers confirmation mail: <see cref="SmtpOptions"/> bound from <c>Smtp</c> and checked at
    /// start.
    /// </summary>
    public static IServiceCollection AddIpsMail(this IServiceCollection services)
    {
        services.AddOptions<SmtpOptions>()
            .BindSettings(SmtpOptions.Section)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>());
        return services;
    }
}
