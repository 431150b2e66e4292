using System.ComponentModel.DataAnnotations;

namespace IpsApi.Core.Purge.Varnish;

/// <summary>Configuration section <c>Purge:Varnish</c>.</summary>
public sealed class VarnishOptions
{
    public const string Section = "Purge:Varnish";

    /// <summary>Each Varnish node's address, e.g. <c>http://127.0.0.1:6081</c> (<c>Purge__Varnish__Nodes__0=…</c>).</summary>
    public List<Uri> Nodes { get; set; } = [];

    public VarnishPurgeMode Mode { get; set; } = VarnishPurgeMode.Purge;

    /// <summary>Purge requests in flight at once, over all nodes.</summary>
    [Range(1, 1024, ErrorMessage = "Purge:Varnish:Concurrency must be from {1} to {2}.")]
    public int Concurrency { get; set; } = 32;

    /// <summary>How long one node may take to answer one purge.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ErrorMessage = "Purge:Varnish:Timeout must be from {1} to {2}.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Accept a 200 only with the reason Varnish gives a handled purge (<c>Purged</c> / <c>Banned</c>, as
    /// <c>deploy/varnish/default.vcl</c> answers). A VCL that does not handle the method pipes it to the
    /// backend, which may well answer 200 having purged nothing. Turn off for a VCL with other wording.
    /// </summary>
    public bool RequirePurgedReason { get; set; } = true;
}
