namespace IpsApi.Core.Purge.Varnish;

public enum VarnishPurgeMode
{
    /// <summary><c>PURGE path?query</c>: exactly that object; other query variants stay cached.</summary>
    Purge,

    /// <summary><c>BAN</c> with <c>X-Ban-Url: ^path(\?|$)</c>: the path and every query variant of it.</summary>
    Ban,
}
