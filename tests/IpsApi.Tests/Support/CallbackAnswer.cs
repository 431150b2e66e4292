namespace IpsApi.Tests.Support;

/// <summary>How the <see cref="CallbackReceiver"/> answers one delivery.</summary>
public sealed record CallbackAnswer(int Code, bool Hang = false, string? Text = null, int? RetryAfterSeconds = null)
{
    public static CallbackAnswer Status(int code, string? text = null, int? retryAfterSeconds = null) => new(code, Text: text, RetryAfterSeconds: retryAfterSeconds);

    /// <summary>Takes the delivery and never answers.</summary>
    public static CallbackAnswer Silence() => new(0, Hang: true);
}
