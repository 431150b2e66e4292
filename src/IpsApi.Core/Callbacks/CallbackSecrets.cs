using System.Security.Cryptography;

namespace IpsApi.Core.Callbacks;

/// <summary>A company's callback signing secret: <c>whsec_</c> and 32 random bytes in hex.</summary>
public static class CallbackSecrets
{
    public const string Prefix = "whsec_";

    public static string Generate() => Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}
