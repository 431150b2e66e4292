using IpsApi.Core.Purge.Budget;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace IpsApi.Tests.Support;

/// <summary>A <see cref="RateBudget"/> without a store, for providers whose budget is off: any take that reached the store would throw.</summary>
public static class NoRateBudget
{
    public static RateBudget Create(TimeProvider? clock = null) =>
        new(new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(), clock ?? TimeProvider.System, NullLogger<RateBudget>.Instance);
}
