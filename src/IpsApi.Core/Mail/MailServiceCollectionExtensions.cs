using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Mail;

public static class MailServiceCollectionExtensions
{
    /// <summary>
    /// Registers confirmation mail: <see cref="SmtpOptions"/> bound from <c>Smtp</c> and checked at
    /// start, and the <see cref="ConfirmationMailSender"/>. The caller registers <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddIpsMail(this IServiceCollection services)
    {
        services.AddOptions<SmtpOptions>()
            .BindSettings(SmtpOptions.Section)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>());
        services.TryAddSingleton<ConfirmationMailSender>();
        return services;
    }
}
