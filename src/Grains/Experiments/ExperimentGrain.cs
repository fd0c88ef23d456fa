using System.Diagnostics;
using FedOrleans.Contracts;
using FedOrleans.Grains.Common;
using FedOrleans.Grains.Federation;
using FedOrleans.Grains.Mapping;
using FedOrleans.Grains.Placement;
using FedOrleans.Grains.Telemetry;
using FedOrleans.Grains.Training;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Graphs;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Specs;
using FedOrleans.Models.Specs.Yaml;
using FedOrleans.Models.Torch;
using FedOrleans.Models.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace FedOrleans.Grains.Experiments;

/// <summary>
/// Coordinates one experiment. The round loop runs as a background task on this grain's scheduler
/// (so queries interleave with it at every await): sample, fan out <c>FitAsync</c> with a deadline,
/// collect results and failures (a fit lost with its client's silo is sent again: the client re-activates
/// on a surviving silo), aggregate in client-index order, evaluate, persist, publish; a round's server-side
/// evaluation and recording run beside the next round's fits. A reminder revives the loop after a deactivation
/// or a lost silo; it resumes from the last persisted round (every round by default; <see cref="TrainingOptions.CheckpointEvery"/>).
/// </summary>
public sealed class ExperimentGrain(
    [PersistentState("experiment", FedOrleansNames.StateStorage)] IPersistentState<ExperimentState> state,
    WorkloadCache workloads,
    TrainingGate gate,
    GpuSilos gpuSilos,
    FedOrleansMetrics metrics,
    IOptions<TrainingOptions> options,
    ILogger<ExperimentGrain> logger) : ResumableGrain, IExperimentGrain
{
    /// <summary>How long an idle coordinator stays active between rounds; the loop renews it every round.</summary>
    private static readonly TimeSpan KeepAlive = TimeSpan.FromMinutes(30);

    /// <summary>Fits of one client in one round when its silo is lost under it (each loss re-activates it elsewhere).</summary>
    private const int MaxFitAttempts = 3;

    /// <summary>Sends of one fit that the cluster may reject (its silo died, not yet declared dead), and the wait between them.</summary>
    private const int MaxRejectedSends = 10;

    private static readonly TimeSpan RejectedFitRetryDelay = TimeSpan.FromSeconds(2);

    /// <summary>Rounds between two writes of the state (<see cref="TrainingOptions.CheckpointEvery"/>); the end is always written.</summary>
    private readonly int _checkpointEvery = Math.Max(1, options.Value.CheckpointEvery);
    private readonly bool _collectBeforeFirstRound = options.Value.CollectBeforeFirstRound;

    private ExperimentSpec? _spec;
    private ClientActivity[] _activity = [];

    private string Id => this.GetPrimaryKeyString();

    protected override async Task RecordResumeAsync(CancellationToken cancellationToken)
    {
        state.State.Resumes++;
        await state.WriteStateAsync(cancellationToken);
        logger.LogWarning("{ExperimentId} resumes after round {Round} (resume {Resumes})", Id, state.State.CompletedRounds, state.State.Resumes);
    }

    public async Task<ExperimentStatus> StartAsync(string specYaml)
    {
        var (spec, errors, _) = SpecParser.TryParse(specYaml);
        if (spec is null)
        {
            // The message lists every error with its path.
            throw new SpecRefusedException(new SpecException($"experiment {Id}", errors).Message);
        }
        if (state.State.Phase != ExperimentPhase.NotStarted)
        {
            if (state.State.SpecYaml == specYaml && state.State.Phase == ExperimentPhase.Running)
            {
                return Status() with { Reattached = true };
            }
            throw new IdInUseException(
                $"experiment id '{Id}' is already used ({state.State.Phase}, {state.State.CompletedRounds} rounds); choose another id (fedorleans run --id) or another name");
        }
        bool gpuClients = PlaceOnGpus(spec);
        IFederatedWorkload workload;
        try
        {
            workload = (await workloads.GetAsync(Id, () => Task.FromResult(spec))).Workload;
        }
        catch (Exception e) when (WireErrors.IsModelError(e))
        {
            // Missing or corrupt data, an impossible partition: the caller gets the message, nothing is started.
            throw WireErrors.ForWire(e);
        }
        var initial = await gate.RunAsync(() => workload.InitialGlobal(SeedMixer.Mix(spec.Seed, SeedMixer.InitPurpose)), CancellationToken.None);
        var strategy = spec.CreateStrategy();
        var strategyState = strategy.Initialize(initial);
        state.State = new ExperimentState
        {
            SpecYaml = specYaml,
            Phase = ExperimentPhase.Running,
            GlobalWeights = strategyState.Global.ToBytes(),
            GpuClients = gpuClients,
        };
        await state.WriteStateAsync();
        await RegisterResumeReminderAsync();
        await GrainFactory.GetGrain<IExperimentRegistryGrain>(IExperimentRegistryGrain.Key).AddAsync(Id);
        _spec = spec;
        logger.LogInformation("{ExperimentId} starts: {Rounds} rounds, {Clients} clients, {Strategy}", Id, spec.Rounds, spec.TotalClients, strategy.Describe());
        Publish();
        StartLoop();
        return Status();
    }

    public Task<ExperimentStatus> GetStatusAsync() => Task.FromResult(Status());

    public Task<ExperimentView> GetViewAsync()
    {
        var spec = Spec();
        var activity = new byte[spec?.TotalClients ?? 0];
        for (int i = 0; i < Math.Min(activity.Length, _activity.Length); i++)
        {
            activity[i] = (byte)_activity[i];
        }
        return Task.FromResult(new ExperimentView(
            Status(), spec is null ? "" : spec.CreateStrategy().Describe(), state.State.History.ToList(), activity, state.State.GpuClients));
    }

    public Task ClientDeactivatedAsync(int clientIndex)
    {
        if (clientIndex >= 0 && clientIndex < _activity.Length && _activity[clientIndex] != ClientActivity.Training)
        {
            _activity[clientIndex] = ClientActivity.Deactivated;
        }
        return Task.CompletedTask;
    }

    public async Task<ExperimentStatus> WaitForAsync(int round, TimeSpan timeout)
    {
        await WaitForProgressAsync(round, timeout);
        return Status();
    }

    public Task<ExperimentReport> GetReportAsync()
    {
        var weights = ModelWeights.FromBytes(state.State.GlobalWeights);
        var spec = Spec();
        return Task.FromResult(new ExperimentReport(
            Status(),
            state.State.SpecYaml,
            state.State.History.ToList(),
            state.State.GlobalWeights,
            weights.Sha256(),
            Process.GetCurrentProcess().PeakWorkingSet64,
            spec is null ? "" : spec.CreateStrategy().Describe()));
    }

    public Task<string> GetSpecAsync() => state.State.SpecYaml.Length > 0
        ? Task.FromResult(state.State.SpecYaml)
        : throw new NotFoundException($"experiment '{Id}' has not been started");

    public async Task<string> GetClientsCsvAsync()
    {
        var spec = Spec() ?? throw new NotFoundException($"experiment '{Id}' has not been started");
        try
        {
            var workload = (await workloads.GetAsync(Id, () => Task.FromResult(spec))).Workload;
            var csv = await Task.Run(workload.ClientsCsv);
            if (state.State.Phase != ExperimentPhase.Running)
            {
                // Built again for a finished experiment: not kept (FinishAsync dropped it).
                workloads.Forget(Id);
            }
            return csv;
        }
        catch (Exception e) when (WireErrors.IsModelError(e))
        {
            throw WireErrors.ForWire(e);
        }
    }

    public async Task<ExperimentStatus> CancelAsync()
    {
        await CancelRunAsync();
        return Status();
    }

    protected override bool IsRunning => state.State.Phase == ExperimentPhase.Running;

    protected override void StartLoop()
    {
        var spec = Spec() ?? throw new InvalidOperationException($"experiment '{Id}' has no spec to run");
        Loop.Start(ct => RunLoopAsync(spec, ct));
    }

    private async Task RunLoopAsync(ExperimentSpec spec, CancellationToken ct)
    {
        try
        {
            var workload = (await workloads.GetAsync(Id, () => Task.FromResult(spec))).Workload;
            var strategy = spec.CreateStrategy();
            var strategyState = new StrategyState(
                ModelWeights.FromBytes(state.State.GlobalWeights),
                WireMapping.SlotsFromBytes(state.State.StrategySlots, state.State.StrategySlotCount),
                state.State.StrategyStep);
            var clients = Enumerable.Range(0, spec.TotalClients).Select(i => new ClientId(i)).ToArray();
            if (_activity.Length != clients.Length)
            {
                _activity = new ClientActivity[clients.Length];
            }
            // A server-side evaluation of round r runs beside round r+1's fits (it only reads r's global model, which
            // r+1 starts from); round r is recorded once both its evaluation is done and r+1's fits are under way.
            // Clients that evaluate themselves (graphs) would queue behind their own fits: their rounds end in turn.
            bool overlap = workload.EvaluationSite != EvaluationSite.Clients;
            if (workload is ISplitEvaluation split && spec.Trainer != TrainerKind.NoOp && state.State.CompletedRounds < spec.Rounds)
            {
                // The held-out set's tensors are built while the first round gathers its clients (activations and calls,
                // mostly waiting), not inside the first round that evaluates. A failure here resurfaces in that evaluation.
                gate.RunAsync(() => { split.PrepareEvaluation(); return true; }, ct).Ignore();
            }
            if (_collectBeforeFirstRound && state.State.CompletedRounds < spec.Rounds)
            {
                // The embedded silo's start-up garbage is collected now rather than in the rounds (TrainingOptions).
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            }
            var clock = Stopwatch.StartNew();
            double recordedAt = 0;
            Task<(RoundSummary, StrategyState)>? finishing = null;
            for (int round = state.State.CompletedRounds + 1; round <= spec.Rounds; round++)
            {
                ct.ThrowIfCancellationRequested();
                DelayDeactivation(KeepAlive);
                var training = TrainRoundAsync(round, spec, strategy, strategyState, clients, ct);
                if (finishing is not null)
                {
                    try
                    {
                        recordedAt = await RecordRoundAsync(await finishing, clock, recordedAt);
                    }
                    catch
                    {
                        // The round in flight ends (its fits are not abandoned mid-way) before the loop stops.
                        await training.ContinueWith(_ => { }, TaskScheduler.Current);
                        throw;
                    }
                }
                var trained = await training;
                strategyState = trained.Outcome.State;
                finishing = FinishRoundAsync(trained, spec, workload, ct);
                if (!overlap)
                {
                    recordedAt = await RecordRoundAsync(await finishing, clock, recordedAt);
                    finishing = null;
                }
            }
            if (finishing is not null)
            {
                await RecordRoundAsync(await finishing, clock, recordedAt);
            }
            await FinishAsync(ExperimentPhase.Completed, null);
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // Stopped: by a cancel, or because this activation is going away. Whatever the round in flight threw as it
            // was torn down (a cancelled wait, or a client's silo lost at that moment) is not the experiment's failure.
            if (Loop.CancelRequested)
            {
                await FinishAsync(ExperimentPhase.Cancelled, null);
            }
            // Otherwise the grain is deactivating: keep Phase = Running so the next activation resumes.
        }
        catch (Orleans.Storage.InconsistentStateException e)
        {
            // Another activation wrote the state since this one read it: when a silo is lost, the grain directory can
            // briefly hold two activations of this experiment. The other one resumed from the persisted round and owns
            // the experiment now; this one steps down without recording anything (the round it ran is redone there).
            logger.LogWarning("{ExperimentId}: another activation took over after round {Round}; this one steps down ({Message})",
                Id, state.State.CompletedRounds, e.Message);
            DeactivateOnIdle();
        }
        catch (Exception e)
        {
            // The experiment itself broke (bad data, storage failure, a bug): record it as failed with
            // every finished round kept, rather than leave a loop that silently stopped.
            logger.LogError(e, "{ExperimentId} failed after round {Round}", Id, state.State.CompletedRounds);
            await FinishAsync(ExperimentPhase.Failed, e.Message);
        }
    }

    /// <summary>
    /// Records a finished round: persists it every <see cref="TrainingOptions.CheckpointEvery"/> rounds (the point a resumed
    /// experiment continues from; the rounds after it are trained again, with the same result), counts it, logs and
    /// publishes it. Its <see cref="RoundSummary.Seconds"/> are the time since the previous round was recorded, so a
    /// run's rounds add up to its wall time even where rounds overlap. Returns the time it was recorded at.
    /// </summary>
    private async Task<double> RecordRoundAsync((RoundSummary Summary, StrategyState Next) finished, Stopwatch clock, double previousAt)
    {
        double now = clock.Elapsed.TotalSeconds;
        var (summary, next) = finished;
        summary = summary with { Seconds = now - previousAt };
        state.State.CompletedRounds = summary.Round;
        state.State.GlobalWeights = WireMapping.EncodeShared(next.Global);
        state.State.StrategySlots = WireMapping.ToBytes(next.Slots);
        state.State.StrategySlotCount = next.Slots.Count;
        state.State.StrategyStep = next.Step;
        state.State.History.Add(summary);
        state.State.ElapsedSeconds += summary.Seconds;
        if (summary.Round % _checkpointEvery == 0)
        {
            await state.WriteStateAsync(CancellationToken.None);
        }
        metrics.RoundCompleted(Id);
        logger.LogInformation("{ExperimentId} round {Round}: {Received}/{Sampled} results, {Failed} failures, accuracy {Accuracy:F4}",
            Id, summary.Round, summary.Received, summary.Sampled, summary.Failed, summary.TestAccuracy);
        if (!summary.Accepted)
        {
            logger.LogWarning("{ExperimentId} round {Round} aborted: {Status}", Id, summary.Round, summary.Status);
        }
        Publish();
        return now;
    }

    /// <summary>A round's fits, gathered and aggregated (not yet evaluated).</summary>
    private sealed record TrainedRound(
        int Round, int Sampled, IReadOnlyList<ClientUpdate> Updates, IReadOnlyList<ClientFailure> Failures, AggregateOutcome Outcome);

    /// <summary>Samples the round's clients, fans out their fits with a deadline, and aggregates in client-index order.</summary>
    private async Task<TrainedRound> TrainRoundAsync(
        int roundNumber, ExperimentSpec spec, IFederatedStrategy strategy, StrategyState current, ClientId[] clients, CancellationToken ct)
    {
        var round = new RoundContext(roundNumber, spec.Seed);
        var assignments = strategy.ConfigureFit(round, current, clients);
        var global = WireMapping.EncodeShared(current.Global);
        var answers = await Task.WhenAll(assignments.Select(a => FitClientAsync(a, global, assignments.Count, spec.RoundTimeout, ct)));
        ct.ThrowIfCancellationRequested();
        var received = answers.Where(a => a.Fit is not null).Select(a => a.Fit!.ToUpdate(a.Client, global, current.Global)).ToList();
        // A diverged client (NaN or infinite weights) is a failure like a crash: it never reaches the average.
        var updates = received.Where(u => u.Weights.IsFinite()).ToList();
        var failures = answers.Where(a => a.Fit is null).Select(a => new ClientFailure(a.Client, a.Error!))
            .Concat(received.Where(u => !u.Weights.IsFinite()).Select(u => new ClientFailure(u.Client, "non-finite weights (the local training diverged)")))
            .OrderBy(f => f.Client)
            .ToList();
        return new TrainedRound(roundNumber, assignments.Count, updates, failures, strategy.AggregateFit(round, current, updates, failures));
    }

    /// <summary>Evaluates a trained round's global model when it is due and summarises the round.</summary>
    private async Task<(RoundSummary Summary, StrategyState Next)> FinishRoundAsync(
        TrainedRound trained, ExperimentSpec spec, IFederatedWorkload workload, CancellationToken ct)
    {
        var outcome = trained.Outcome;
        var evaluation = new EvaluationResult(double.NaN, double.NaN, 0);
        double validationAccuracy = double.NaN;
        bool evaluate = outcome.Accepted && spec.Trainer != TrainerKind.NoOp
            && (trained.Round % spec.EvaluateEvery == 0 || trained.Round == spec.Rounds);
        if (evaluate && workload.EvaluationSite == EvaluationSite.Clients)
        {
            (evaluation, validationAccuracy) = await EvaluateOnClientsAsync(spec, outcome.State.Global, ct);
        }
        else if (evaluate)
        {
            evaluation = await EvaluateGlobalAsync(workload, outcome.State.Global, ct);
        }
        var withSamples = trained.Updates.Where(u => u.NumSamples > 0).ToList();
        double trainLoss = withSamples.Count == 0 ? double.NaN
            : withSamples.Sum(u => u.TrainLoss * u.NumSamples) / withSamples.Sum(u => (double)u.NumSamples);
        var summary = new RoundSummary(
            trained.Round, trained.Sampled, trained.Updates.Count, trained.Failures.Count, outcome.Accepted,
            outcome.Accepted ? "ok" : $"aborted: {outcome.Reason}",
            evaluation.Accuracy, evaluation.Loss, trainLoss, Seconds: 0, outcome.AggregatedSamples,
            trained.Failures.Take(20).Select(f => new ClientFailureWire(f.Client.Index, f.Reason)).ToList(),
            validationAccuracy);
        return (summary, outcome.State);
    }

    /// <summary>
    /// The server's evaluation of the global model. On a CPU silo the gate's slots share it (each a part of the held-out
    /// batches, on its own core; the parts are added up in batch order, so the result does not depend on the number of
    /// slots): an MLP's evaluation of MNIST's test set is a large part of a quickstart round.
    /// </summary>
    private async Task<EvaluationResult> EvaluateGlobalAsync(IFederatedWorkload workload, ModelWeights weights, CancellationToken ct)
    {
        int parts = gate.SplitInto(gate.Capacity);
        if (workload is not ISplitEvaluation split || parts == 1)
        {
            return await gate.RunAsync(() => workload.EvaluateGlobal(weights, ct), ct);
        }
        var results = await Task.WhenAll(Enumerable.Range(0, parts).Select(part => gate.RunAsync(() => split.EvaluateGlobalPart(weights, part, parts, ct), ct)));
        return ModelEvaluator.Combine(results);
    }

    /// <summary>
    /// Workloads evaluated on the clients (graphs): every client evaluates its own model (the global one, or its
    /// personalised one under ASFGNN and local-only) on its own test data; accuracy is over all clients' test data together.
    /// </summary>
    private async Task<(EvaluationResult Test, double ValidationAccuracy)> EvaluateOnClientsAsync(ExperimentSpec spec, ModelWeights global, CancellationToken ct)
    {
        var bytes = global.ToBytes();
        var parts = await Task.WhenAll(Enumerable.Range(0, spec.TotalClients).Select(i =>
            GrainFactory.GetGrain<IClientGrain>(GrainKeys.Client(Id, i)).EvaluateAsync(bytes, ct)));
        int correct = parts.Sum(p => p.TestCorrect), count = parts.Sum(p => p.TestCount);
        int validationCount = parts.Sum(p => p.ValidationCount);
        double validation = validationCount == 0 ? double.NaN : (double)parts.Sum(p => p.ValidationCorrect) / validationCount;
        return (count == 0 ? new EvaluationResult(double.NaN, double.NaN, 0)
            : new EvaluationResult((double)correct / count, parts.Sum(p => p.TestLossSum) / count, count), validation);
    }

    private async Task<(ClientId Client, FitResult? Fit, string? Error)> FitClientAsync(
        ClientAssignment assignment, byte[] global, int roundClients, TimeSpan timeout, CancellationToken loopToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(loopToken);
        deadline.CancelAfter(timeout);
        int index = assignment.Client.Index;
        _activity[index] = ClientActivity.Training;
        try
        {
            var client = GrainKeys.ClientGrain(GrainFactory, Id, index, state.State.GpuClients);
            var request = assignment.Instructions.ToRequest(global, roundClients);
            FitResult result;
            int attempt = 1, rejected = 0;
            while (true)
            {
                try
                {
                    result = await client.FitAsync(request, deadline.Token);
                    break;
                }
                catch (SiloUnavailableException) when (attempt < MaxFitAttempts && !deadline.IsCancellationRequested)
                {
                    // The client's silo was lost, not the client: it re-activates on a surviving silo and fits the same
                    // request again, so the round and the experiment's result are those of a run without the loss.
                    attempt++;
                    logger.LogWarning("{ExperimentId} round {Round}: client {Client} was lost with its silo; fitting it again (attempt {Attempt})",
                        Id, request.Round, index, attempt);
                }
                catch (OrleansMessageRejectionException e) when (++rejected < MaxRejectedSends && !deadline.IsCancellationRequested)
                {
                    // The request never reached the client: typically its silo has just died and the cluster has not
                    // declared it dead yet ("Unable to connect to ..."). Wait for membership to catch up, then send the
                    // same request again; as above, the result is that of a run without the loss.
                    logger.LogWarning("{ExperimentId} round {Round}: client {Client} could not be reached ({Reason}), likely lost with its silo; sending the fit again in {Delay} s",
                        Id, request.Round, index, e.Message.Split('\n')[0], RejectedFitRetryDelay.TotalSeconds);
                    await Task.Delay(RejectedFitRetryDelay, deadline.Token);
                }
            }
            _activity[index] = ClientActivity.Idle;
            return (assignment.Client, result, null);
        }
        catch (OperationCanceledException) when (!loopToken.IsCancellationRequested)
        {
            _activity[index] = ClientActivity.Failed;
            return (assignment.Client, null, $"missed the round deadline ({timeout.TotalSeconds:0.###} s)");
        }
        catch (Exception e) when (!loopToken.IsCancellationRequested)
        {
            // The fan-out is the one place a client's exception is caught: it becomes a ClientFailure.
            _activity[index] = ClientActivity.Failed;
            return (assignment.Client, null, $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>
    /// Whether this experiment's clients go to GPU silos: <c>gpu: required</c> needs at least one (a clear
    /// error otherwise, before anything is started); <c>preferred</c> uses them when the cluster has any.
    /// </summary>
    private bool PlaceOnGpus(ExperimentSpec spec)
    {
        if (spec.Gpu == GpuRequirement.None)
        {
            return false;
        }
        var silos = gpuSilos.Active();
        if (silos.Count == 0 && spec.Gpu == GpuRequirement.Required)
        {
            throw new SpecRefusedException(
                $"experiment {Id} asks for a GPU (gpu: required) but no silo of this cluster advertises one; start a silo with --device cuda (it advertises {FedOrleansNames.DeviceMetadata}=cuda), or set gpu: preferred to fall back to the CPU silos");
        }
        if (silos.Count > 0)
        {
            logger.LogInformation("{ExperimentId} places its clients on {Count} GPU silo(s): {Silos}", Id, silos.Count, string.Join(", ", silos));
        }
        return silos.Count > 0;
    }

    protected override async Task FinishAsync(ExperimentPhase phase, string? error)
    {
        state.State.Phase = phase;
        state.State.Error = error;
        await state.WriteStateAsync(CancellationToken.None);
        await UnregisterResumeReminderAsync();
        workloads.Forget(Id);
        logger.LogInformation("{ExperimentId} {Phase} after {Rounds} rounds", Id, phase, state.State.CompletedRounds);
        Publish();
    }

    protected override bool Reached(int round) =>
        state.State.CompletedRounds >= round || state.State.Phase is not (ExperimentPhase.Running or ExperimentPhase.NotStarted);

    /// <summary>The experiment's spec, parsed once per activation; null before the start.</summary>
    private ExperimentSpec? Spec() => _spec ??= state.State.SpecYaml.Length > 0 ? SpecParser.Parse(state.State.SpecYaml, source: $"experiment {Id}") : null;

    private ExperimentStatus Status() => new(
        Id, state.State.Phase, state.State.CompletedRounds,
        Spec()?.Rounds ?? 0,
        state.State.History.Count > 0 ? state.State.History[^1] : null,
        state.State.Error, state.State.Resumes, state.State.ElapsedSeconds);
}
