using System.Text;
using IpsApi.Core.Callbacks;

namespace IpsApi.Tests.Unit;

public sealed class CallbackSignatureTests
{
    /// <summary>The expected value was computed with Python's <c>hmac</c> and with <c>openssl dgst -hmac</c>, as the README shows.</summary>
    [Fact]
    public void Header_IsHmacSha256OfTimeDotBody_KeyedWithTheSecretAsPrinted()
    {
        var header = CallbackSignature.Header("whsec_abc", 1764690770, Encoding.UTF8.GetBytes("{\"a\":1}"));

        Assert.Equal("t=1764690770,v1=85e3bac3d3120e0f51d7dc6ea7a1f8b42a927c756429c43333d0188bab38a623", header);
    }

    [Fact]
    public void Payload_CarriesTheDeliveryId_AndRefusesAnythingElse()
    {
        var id = Guid.NewGuid();

        Assert.Equal(id, CallbackPayload.DeliveryId(CallbackPayload.Create(id)));
        Assert.Null(CallbackPayload.DeliveryId(null));
        Assert.Null(CallbackPayload.DeliveryId("{\"deliveryId\":42}"));
        Assert.Null(CallbackPayload.DeliveryId("not json"));
    }
}
