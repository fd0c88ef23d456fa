using FedOrleans.Contracts;

namespace FedOrleans.Grains.Experiments;

/// <summary>Remembers which experiments were started on the cluster, for <c>fedorleans list</c>.</summary>
public sealed class ExperimentRegistryGrain(
    [PersistentState("registry", FedOrleansNames.StateStorage)] IPersistentState<ExperimentRegistryState> state)
    : Grain, IExperimentRegistryGrain
{
    public async Task AddAsync(string experimentId)
    {
        if (!state.State.Experiments.Contains(experimentId))
        {
            state.State.Experiments.Add(experimentId);
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.Experiments.ToList());
}
