using IpsApi.Core.Companies;
using Microsoft.Extensions.DependencyInjection;
using Serilog.Core;

namespace IpsApi.Tests.Support;

/// <summary>
/// A server on a fresh PostgreSQL database whose clock moves only when a test moves it, so a lock's window is ended
/// without waiting. The limits are lower than the defaults (<see cref="UserNameLimit"/>, <see cref="AddressLimit"/>), so
/// a test reaches them in few password checks; the credential checks' log is kept as the text console prints it. Tests take a client
/// address of their own (<see cref="LoopbackSource"/>) and fresh user names, so their counts never meet.
/// </summary>
public sealed class ThrottledServerFixture : IAsyncLifetime
{
    public const int UserNameLimit = 3;
    public const int AddressLimit = 6;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Purge:Workers"] = "0",
        ["Purge:AssumedUrlsPerSecond"] = "1000000",
        ["Auth:Throttle:MaxFailuresPerUserName"] = UserNameLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Auth:Throttle:MaxFailuresPerAddress"] = AddressLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Log:Format"] = "text",
        ["Serilog:MinimumLevel:Override:IpsApi.Core.Users"] = "Information",
    };

    public ManualClock Clock { get; } = new(DateTimeOffset.UtcNow);

    public TestServer Server { get; private set; } = null!;

    public TextLog Log { get; } = TextLog.For(Settings);

    public Company Company { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await TestPostgres.CreateDatabaseAsync();
        Server = await StartNodeAsync();
        Company = await Server.AddCompanyAsync();
    }

    /// <summary>Another node on the same database and clock (the test disposes it).</summary>
    public Task<TestServer> StartNodeAsync() =>
        TestServer.StartOnPostgresAsync(ConnectionString, Settings, services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<ILogEventSink>(Log);
        });

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await TestPostgres.DropDatabaseAsync(ConnectionString);
    }
}
