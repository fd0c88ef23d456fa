using System.Diagnostics;
using FedOrleans.Contracts;
using FedOrleans.Grains.Federation;
using FedOrleans.Grains.Mapping;
using FedOrleans.Grains.Telemetry;
using FedOrleans.Grains.Training;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Graphs;
using FedOrleans.Models.Specs;
using FedOrleans.Models.Training;
using FedOrleans.Models.Training.Cohorts;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;

namespace FedOrleans.Grains.Clients;

/// <summary>
/// One simulated client. It holds no copy of the data: its shard is an index array of the silo's
/// shared dataset, derived from the seeded partition. Training runs through the silo's training gate.
/// Idle clients are collected after a few minutes; re-activation costs a dictionary lookup. Its persisted
/// <see cref="ClientState"/> (a graph client's personalised model, FedMM's duals) is read from the silo's state storage the
/// first time something needs it (a fit whose workload says it uses private state, an evaluation, <see cref="GetInfoAsync"/>),
/// so activating a client of an experiment without private state reads nothing: a round's new activations are on its
/// critical path. Two sealed
/// grain classes share this code and differ only in where they may be placed: <see cref="ClientGrain"/>
/// and <see cref="GpuClientGrain"/>.
/// </summary>
public abstract class ClientGrainBase(
    WorkloadCache workloads,
    TrainingGate gate,
    CohortScheduler cohorts,
    FedOrleansMetrics metrics,
    ILocalSiloDetails silo) : Grain, IClientGrain
{
    private string _experimentId = "";
    private int _index;
    private int _fits;
    private int _lastRound;
    private int _shardSize = -1;
    private bool _unlabelled;

    private int _totalRounds;

    /// <summary>The name the client's state is stored under (as a <c>[PersistentState("client")]</c> facet stored it).</summary>
    private const string StateName = "client";
    private readonly GrainState<ClientState> _state = new(new ClientState());
    private bool _stateRead;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_experimentId, _index) = GrainKeys.ParseClient(this.GetPrimaryKeyString());
        metrics.ClientActivated();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.ClientDeactivated();
        // Tell the coordinator of a running experiment (for its live view); a client of a finished
        // experiment stays quiet so that collecting it does not wake the coordinator, and so does every
        // client of a silo that is shutting down (its coordinator goes down with it or resumes elsewhere).
        if (_fits > 0 && _lastRound < _totalRounds && reason.ReasonCode != DeactivationReasonCode.ShuttingDown)
        {
            GrainFactory.GetGrain<IExperimentGrain>(GrainKeys.Experiment(_experimentId)).ClientDeactivatedAsync(_index).Ignore();
        }
        return Task.CompletedTask;
    }

    public async Task<FitResult> FitAsync(FitRequest request, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        try
        {
            var result = await RunFitAsync(() => FitCoreAsync(request, cancellationToken), cancellationToken);
            metrics.FitCompleted(stopwatch.Elapsed, request.GlobalWeights.Length, result.WeightBytes, failed: false);
            return result;
        }
        catch (Exception e) when (WireErrors.IsModelError(e))
        {
            metrics.FitCompleted(stopwatch.Elapsed, request.GlobalWeights.Length, 0, failed: true);
            throw WireErrors.ForWire(e);
        }
    }

    /// <summary>Runs one fit; the GPU client first waits for one of the silo's GPU job slots.</summary>
    protected virtual Task<FitResult> RunFitAsync(Func<Task<FitResult>> fit, CancellationToken cancellationToken) => fit();

    private async Task<FitResult> FitCoreAsync(FitRequest request, CancellationToken cancellationToken)
    {
        var (spec, workload) = await GetExperimentAsync();
        _totalRounds = spec.Rounds;
        var instructions = request.ToInstructions();
        var privateState = workload.UsesPrivateState(instructions) ? PrivateState(await ReadStateAsync()) : null;
        if (spec.Faults.ShouldFail(new ClientId(_index), instructions.Seed))
        {
            throw new SimulatedClientFailureException(_index, request.Round);
        }
        Describe(workload);
        var global = WireMapping.DecodeShared(request.GlobalWeights);
        var stopwatch = Stopwatch.StartNew();
        var outcome = workload is ICohortWorkload { CohortTrainer: { } cohortTrainer } cohortWorkload
            ? await cohorts.FitAsync(new CohortKey(_experimentId, request.Round, instructions.Settings), request.RoundClients,
                cohortWorkload.CohortMember(_index, global, instructions, privateState), cohortTrainer, cancellationToken)
            : await gate.RunAsync(() => workload.Fit(_index, global, instructions, privateState, cancellationToken), cancellationToken, cost: _shardSize);
        _fits++;
        _lastRound = request.Round;
        if (outcome.PrivateState is not null)
        {
            // Kept before the result leaves: a client re-activated on any silo continues with these duals.
            var state = await ReadStateAsync();
            state.PrivateState = new ModelWeights(outcome.PrivateState).ToBytes();
            state.Round = request.Round;
            await Storage.WriteStateAsync(StateName, this.GetGrainId(), _state);
        }
        return ReferenceEquals(outcome.Weights, global)
            ? new FitResult(request.GlobalWeights, outcome.NumSamples, outcome.TrainLoss, stopwatch.Elapsed.TotalSeconds)
            : FitResult.OfValues(outcome.Weights.Values, outcome.NumSamples, outcome.TrainLoss, stopwatch.Elapsed.TotalSeconds);
    }

    public async Task<ClientEvaluation> EvaluateAsync(byte[] globalWeights, CancellationToken cancellationToken)
    {
        try
        {
            var (_, workload) = await GetExperimentAsync();
            if (workload.EvaluationSite != EvaluationSite.Clients)
            {
                throw new SpecRefusedException($"experiment '{_experimentId}' ({workload.Description}) is evaluated by its server, not by its clients");
            }
            var privateState = PrivateState(await ReadStateAsync());
            var global = WireMapping.DecodeShared(globalWeights);
            var e = await gate.RunAsync(() => workload.EvaluateClient(_index, global, privateState, cancellationToken), cancellationToken);
            return new ClientEvaluation(e.ValidationCorrect, e.ValidationCount, e.TestCorrect, e.TestCount, e.TestLossSum);
        }
        catch (Exception e) when (WireErrors.IsModelError(e))
        {
            throw WireErrors.ForWire(e);
        }
    }

    public async Task<ClientInfo> GetInfoAsync()
    {
        Describe((await GetExperimentAsync()).Workload);
        var state = await ReadStateAsync();
        var privateState = state.PrivateState.Length > 0 ? ModelWeights.FromBytes(state.PrivateState).Sha256() : null;
        return new ClientInfo(_experimentId, _index, _shardSize, _unlabelled, _fits, _lastRound, silo.SiloAddress.ToString(), privateState);
    }

    private static float[]? PrivateState(ClientState state) => state.PrivateState.Length > 0 ? ModelWeights.FromBytes(state.PrivateState).Values : null;

    /// <summary>The client's persisted state, read once per activation, when first needed.</summary>
    private async ValueTask<ClientState> ReadStateAsync()
    {
        if (!_stateRead)
        {
            await Storage.ReadStateAsync(StateName, this.GetGrainId(), _state);
            _stateRead = true;
        }
        return _state.State ??= new ClientState();
    }

    private IGrainStorage Storage => ServiceProvider.GetRequiredKeyedService<IGrainStorage>(FedOrleansNames.StateStorage);

    private void Describe(IFederatedWorkload workload)
    {
        if (_shardSize < 0)
        {
            var description = workload.DescribeClient(_index);
            (_shardSize, _unlabelled) = (description.Samples, description.Unlabelled);
        }
    }

    private Task<LoadedExperiment> GetExperimentAsync() =>
        workloads.GetAsync(_experimentId, async () =>
            SpecParser.Parse(await GrainFactory.GetGrain<IExperimentGrain>(GrainKeys.Experiment(_experimentId)).GetSpecAsync()));
}
