using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace IpsApi.Core.Mail;

public static class MailServiceCollectionExtensions
{
    /// <summary>
    /// Registers confirmation mail: <see cref="SmtpOptions"/> bound from <c>Smtp</c> and checked at
    /// start, the <see cref="ConfirmationMailSender"/>, and the <c>mail</c> job that sends each confirmation. The caller registers <see cref="TimeProvider"/>.
    /// </summary>
    public static IServiceCollection AddIpsMail(this IServiceCollection services)
    {
        services.AddOptions<SmtpOptions>()
            .BindSettings(SmtpOptions.Section)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>());
        services.TryAddSingleton<ConfirmationMailSender>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Jobs.IJobHandler, ConfirmationMailJob>());
        return services;
    }
}
