namespace IpsApi.Tests.Metrics;

/// <summary>
/// Runs alone: the meter's instruments are per server, but an exporter listens to every meter of its name in the
/// process, so counts are compared before and after with no other server recording meanwhile, and a gauge is read
/// with no other server's gauge of the same name beside it (the exporter would take the first one registered).
/// </summary>
[CollectionDefinition(nameof(MetricsCollection), DisableParallelization = true)]
public sealed class MetricsCollection;
