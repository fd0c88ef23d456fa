using FedOrleans.Contracts;
using FedOrleans.Grains.Mapping;
using FedOrleans.Models.Specs;
using FedOrleans.Models.Specs.Yaml;
using Orleans.Concurrency;

namespace FedOrleans.Grains.Federation;

/// <summary>
/// <see cref="IPartitionGrain"/>: builds the spec's workload from this silo's data (the same <see cref="DatasetStore"/> an
/// experiment's silos read) and describes its clients; the workload is dropped afterwards.
/// </summary>
[StatelessWorker]
public sealed class PartitionGrain(DatasetStore datasets) : Grain, IPartitionGrain
{
    public async Task<PartitionPreview> PreviewAsync(string specYaml)
    {
        var (spec, errors, _) = SpecParser.TryParse(specYaml);
        if (spec is null)
        {
            throw new SpecRefusedException(new SpecException("spec", errors).Message);
        }
        try
        {
            var workload = await spec.CreateWorkloadAsync(datasets);
            return await Task.Run(() => new PartitionPreview(workload.Description, workload.ClientsCsv(), workload.PartitionSummary()));
        }
        catch (Exception e) when (WireErrors.IsModelError(e))
        {
            throw WireErrors.ForWire(e);
        }
    }
}
