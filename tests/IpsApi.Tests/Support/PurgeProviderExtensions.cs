using IpsApi.Core.Purge;

namespace IpsApi.Tests.Support;

public static class PurgeProviderExtensions
{
    /// <summary>Purges accepted URLs as a worker would: each through its canonical <see cref="PurgeTarget"/>.</summary>
    public static Task<PurgeOutcome> PurgeAsync(this IPurgeProvider provider, IReadOnlyList<string> urls, CancellationToken cancellationToken) =>
        provider.PurgeAsync([.. urls.Select(PurgeTarget.Of)], cancellationToken);
}
