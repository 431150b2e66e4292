namespace IpsApi.Core.Templates;

/// <summary>One entry of a CDN invalidation template and the line (1-based) it stands on.</summary>
public sealed record TemplateLine(int Number, string Text);
