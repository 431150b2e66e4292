using System.Text.Json;

namespace IpsApi.Core.Callbacks;

/// <summary>
/// What a callback job carries in <see cref="Jobs.Job.Payload"/>: the delivery id, fixed when the job is
/// enqueued, so that every attempt of one delivery carries the same <c>X-IpsApi-Delivery</c> and receivers
/// can drop repeats.
/// </summary>
public static class CallbackPayload
{
    private const string DeliveryIdProperty = "deliveryId";

    public static string Create(Guid deliveryId) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { [DeliveryIdProperty] = deliveryId.ToString("D") });

    /// <summary>The delivery id, or null when <paramref name="payload"/> holds none.</summary>
    public static Guid? DeliveryId(string? payload)
    {
        if (string.IsNullOrEmpty(payload))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(DeliveryIdProperty, out var value)
                && value.ValueKind == JsonValueKind.String
                && Guid.TryParse(value.GetString(), out var id)
                ? id
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
