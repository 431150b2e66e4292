namespace IpsApi.Core.Companies;

/// <summary>A company: its delivery URLs live under <c>/is/image/{RootId}/</c> on its publish hosts.</summary>
public sealed class Company
{
    public int Id { get; set; }

    public required string Name { get; set; }

    /// <summary>The company's folder name in delivery URLs, e.g. <c>JJEsquire</c>.</summary>
    public required string RootId { get; set; }

    /// <summary>Host names (lower case, optionally with <c>:port</c>) that serve the company's delivery URLs.</summary>
    public List<string> PublishHosts { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public string Handle => CompanyHandle.Format(Id);
}
