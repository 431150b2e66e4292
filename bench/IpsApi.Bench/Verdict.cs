namespace IpsApi.Bench;

/// <summary>One target of the spec and what was measured against it.</summary>
internal sealed record Verdict(string Target, string Measured, bool? Met)
{
    public string Word => Met switch
    {
        true => "MET",
        false => "NOT MET",
        null => "not measured",
    };
}
