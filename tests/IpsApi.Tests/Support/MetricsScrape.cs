using System.Globalization;
using System.Text.RegularExpressions;

namespace IpsApi.Tests.Support;

/// <summary>One <c>GET /metrics</c> answer in Prometheus text format, parsed into its samples and its families' names.</summary>
public sealed partial class MetricsScrape
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> samples = [];

    private MetricsScrape(string text)
    {
        Text = text;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                Families.Add(line.Split(' ')[2]);
                continue;
            }

            if (line.StartsWith('#'))
            {
                continue;
            }

            var match = SampleLine().Match(line);
            Assert.True(match.Success, $"not a sample line: {line}");
            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
            samples.Add((match.Groups["name"].Value, labels, double.Parse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture)));
        }
    }

    public string Text { get; }

    /// <summary>The names given by <c># TYPE</c> lines, e.g. <c>ipsapi_purge_duration_seconds</c> for a histogram.</summary>
    public HashSet<string> Families { get; } = new(StringComparer.Ordinal);

    /// <summary>Every name a query may use: each family, and for histograms their <c>_bucket</c>, <c>_sum</c> and <c>_count</c>.</summary>
    public HashSet<string> SampleNames => new(samples.Select(s => s.Name), StringComparer.Ordinal);

    public static async Task<MetricsScrape> GetAsync(HttpClient http, string path = "/metrics")
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return new MetricsScrape(body);
    }

    /// <summary>The sum of the samples named <paramref name="name"/> that carry every label given (0 when none does).</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) =>
        samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).Sum(s => s.Value);

    /// <summary>The one sample named <paramref name="name"/> with exactly these labels besides the exporter's scope label; fails when there is none.</summary>
    public double Single(string name, params (string Label, string Value)[] labels)
    {
        var found = samples.Where(s => s.Name == name
            && s.Labels.Count(l => l.Key != "otel_scope_name") == labels.Length
            && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).ToList();
        Assert.True(found.Count == 1, $"{found.Count} samples {name}{{{string.Join(",", labels.Select(l => $"{l.Label}=\"{l.Value}\""))}}} in:\n{Text}");
        return found[0].Value;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
