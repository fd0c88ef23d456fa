using FedOrleans.Contracts;
using FedOrleans.Grains.Common;
using FedOrleans.Models.Specs;
using FedOrleans.Models.Specs.Yaml;
using FedOrleans.Models.Tuning;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace FedOrleans.Grains.Tuning;

/// <summary>
/// Runs one hyper-parameter study. The study loop runs as a background task on this grain's scheduler (queries
/// interleave at every await): keep up to <c>parallel</c> trials running, each a whole federated experiment started
/// on its own experiment grain with the trial's overrides; when one finishes, hand its final validation accuracy to
/// the optimiser (as 1 - accuracy, minimised; a failed trial counts as 0 accuracy) and start the next. Every trial
/// start and finish is persisted. After a deactivation (or a lost silo) the reminder re-activates the grain, which
/// rebuilds the optimiser from the finished trials and waits again for the running ones, whose experiments kept running.
/// </summary>
public sealed class TunerGrain(
    [PersistentState("tuner", FedOrleansNames.StateStorage)] IPersistentState<TunerState> state,
    ILogger<TunerGrain> logger) : Grain, ITunerGrain, IRemindable
{
    /// <summary>How long one wait on a trial's experiment grain lasts before it is renewed (below Orleans' 30 s default response timeout).</summary>
    private static readonly TimeSpan TrialPoll = TimeSpan.FromSeconds(20);

    private ProgressWaiters? _waiters;
    private readonly BackgroundLoop _loop = new();
    private StudySpec? _study;

    /// <summary>Long polls waiting for progress (created on first use: it needs this grain's <c>Reached</c>).</summary>
    private ProgressWaiters Waiters => _waiters ??= new ProgressWaiters(Reached);

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Phase == ExperimentPhase.Running)
        {
            state.State.Resumes++;
            await state.WriteStateAsync(cancellationToken);
            logger.LogWarning("{StudyId} resumes with {Trials} trials started (resume {Resumes})", Id, state.State.Trials.Count, state.State.Resumes);
            StartLoop();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await _loop.StopAsync();
    }

    public async Task<TunerStatus> StartAsync(string studyYaml, string experimentYaml)
    {
        var (study, _, errors) = StudyParser.TryParse(studyYaml);
        if (study is null)
        {
            throw new SpecRefusedException(new SpecException($"study {Id}", errors).Message);
        }
        // The base experiment must parse with every parameter overridden (a wrong path fails here, not in trial 7).
        var probe = study.Overrides(study.Space.Sample(new Random(0)));
        var (experiment, experimentErrors, _) = SpecParser.TryParse(experimentYaml, probe);
        if (experiment is null)
        {
            throw new SpecRefusedException(new SpecException($"study {Id}: base experiment with {string.Join(" ", probe)}", experimentErrors).Message);
        }
        if (GrainKeys.Trial(Id, study.Trials).Length > 64)
        {
            throw new SpecRefusedException($"study id '{Id}' is too long for its trials' experiment ids (at most 59 characters)");
        }
        if (state.State.Phase != ExperimentPhase.NotStarted)
        {
            if (state.State.StudyYaml == studyYaml && state.State.ExperimentYaml == experimentYaml && state.State.Phase == ExperimentPhase.Running)
            {
                return Status();
            }
            throw new IdInUseException($"study id '{Id}' is already used ({state.State.Phase}, {state.State.Trials.Count} trials); choose another id");
        }
        state.State = new TunerState { StudyYaml = studyYaml, ExperimentYaml = experimentYaml, Phase = ExperimentPhase.Running };
        await state.WriteStateAsync();
        await this.RegisterOrUpdateReminder(FedOrleansNames.ResumeReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        _study = study;
        logger.LogInformation("{StudyId} starts: {Trials} trials, {Parallel} at a time, {Optimizer}", Id, study.Trials, study.Parallel, study.Optimizer);
        StartLoop();
        return Status();
    }

    public Task<TunerStatus> GetStatusAsync() => Task.FromResult(Status());

    public async Task<TunerStatus> WaitForAsync(int finishedTrials, TimeSpan timeout)
    {
        await Waiters.WaitAsync(finishedTrials, timeout);
        return Status();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.Phase != ExperimentPhase.Running)
        {
            var reminder = await this.GetReminder(FedOrleansNames.ResumeReminder);
            if (reminder is not null)
            {
                await this.UnregisterReminder(reminder);
            }
            return;
        }
        _loop.EnsureRunning(StartLoop);
    }

    private void StartLoop()
    {
        _loop.Start(RunLoopAsync);
    }

    private async Task RunLoopAsync(CancellationToken ct)
    {
        try
        {
            var study = Study();
            var optimizer = study.CreateOptimizer(state.State.Resumes);
            foreach (var t in state.State.Trials.Where(t => t.Phase != ExperimentPhase.Running).OrderBy(t => t.FinishOrder))
            {
                optimizer.Observe(new Configuration(t.Configuration), Objective(t));
            }
            var running = state.State.Trials.Where(t => t.Phase == ExperimentPhase.Running)
                .ToDictionary(t => t.Number, t => WaitTrialAsync(t, study, ct));
            while (true)
            {
                while (running.Count < study.Parallel && state.State.Trials.Count < study.Trials)
                {
                    ct.ThrowIfCancellationRequested();
                    var trial = await StartTrialAsync(study, optimizer.Suggest());
                    if (trial.Phase == ExperimentPhase.Running)
                    {
                        running[trial.Number] = WaitTrialAsync(trial, study, ct);
                    }
                    else
                    {
                        optimizer.Observe(new Configuration(trial.Configuration), Objective(trial));
                    }
                }
                if (running.Count == 0)
                {
                    break;
                }
                DelayDeactivation(TimeSpan.FromMinutes(30));
                var done = await Task.WhenAny(running.Values);
                var number = running.First(p => p.Value == done).Key;
                running.Remove(number);
                var record = state.State.Trials[number];
                var report = await done;
                Finish(record, report);
                optimizer.Observe(new Configuration(record.Configuration), Objective(record));
                await state.WriteStateAsync(CancellationToken.None);
                logger.LogInformation("{StudyId} trial {Trial} {Phase}: validation {Validation:F4}, test {Test:F4}",
                    Id, number, record.Phase, record.ValidationAccuracy, record.TestAccuracy);
                Publish();
            }
            state.State.Phase = ExperimentPhase.Completed;
            await state.WriteStateAsync(CancellationToken.None);
            var reminder = await this.GetReminder(FedOrleansNames.ResumeReminder);
            if (reminder is not null)
            {
                await this.UnregisterReminder(reminder);
            }
            logger.LogInformation("{StudyId} completed: {Trials} trials", Id, state.State.Trials.Count);
            Publish();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Deactivating: the study stays Running and resumes on the next activation.
        }
        catch (Exception e)
        {
            logger.LogError(e, "{StudyId} failed after {Trials} trials", Id, state.State.Trials.Count);
            state.State.Phase = ExperimentPhase.Failed;
            state.State.Error = e.Message;
            await state.WriteStateAsync(CancellationToken.None);
            Publish();
        }
    }

    private async Task<TrialRecord> StartTrialAsync(StudySpec study, Configuration configuration)
    {
        int number = state.State.Trials.Count;
        var record = new TrialRecord
        {
            Number = number,
            Configuration = configuration.Values.ToArray(),
            ExperimentId = GrainKeys.Trial(Id, number),
            Phase = ExperimentPhase.Running,
        };
        state.State.Trials.Add(record);
        var (spec, errors, yaml) = SpecParser.TryParse(state.State.ExperimentYaml, study.Overrides(configuration));
        if (spec is null)
        {
            record.Phase = ExperimentPhase.Failed;
            record.FinishOrder = state.State.Trials.Count(t => t.Phase != ExperimentPhase.Running);
            logger.LogWarning("{StudyId} trial {Trial} is not a valid experiment: {Errors}", Id, number, string.Join("; ", errors));
        }
        await state.WriteStateAsync(CancellationToken.None);
        if (spec is not null)
        {
            try
            {
                await GrainFactory.GetGrain<IExperimentGrain>(GrainKeys.Experiment(record.ExperimentId)).StartAsync(yaml);
            }
            catch (Exception e) when (Refusals.IsRefusal(e))
            {
                // The cluster refused this trial (unreadable data, a used id): it is a failed trial, the study goes on.
                record.Phase = ExperimentPhase.Failed;
                record.FinishOrder = state.State.Trials.Count(t => t.Phase != ExperimentPhase.Running);
                logger.LogWarning("{StudyId} trial {Trial} was not started: {Error}", Id, number, e.Message);
                await state.WriteStateAsync(CancellationToken.None);
            }
        }
        Publish();
        return record;
    }

    /// <summary>
    /// Waits for a trial's experiment to finish (in renewed waits) and returns its report; starts it first when the
    /// study stopped between recording the trial and starting its experiment.
    /// </summary>
    private async Task<ExperimentReport> WaitTrialAsync(TrialRecord trial, StudySpec study, CancellationToken ct)
    {
        var grain = GrainFactory.GetGrain<IExperimentGrain>(GrainKeys.Experiment(trial.ExperimentId));
        var status = await grain.GetStatusAsync();
        if (status.Phase == ExperimentPhase.NotStarted)
        {
            var (_, _, yaml) = SpecParser.TryParse(state.State.ExperimentYaml, study.Overrides(new Configuration(trial.Configuration)));
            status = await grain.StartAsync(yaml);
        }
        while (!status.IsFinished)
        {
            ct.ThrowIfCancellationRequested();
            status = await grain.WaitForAsync(int.MaxValue, TrialPoll);
        }
        return await grain.GetReportAsync();
    }

    private void Finish(TrialRecord record, ExperimentReport report)
    {
        var last = report.Rounds.LastOrDefault(r => !double.IsNaN(r.ValidationAccuracy));
        record.Phase = report.Status.Phase;
        record.ValidationAccuracy = report.Status.Phase == ExperimentPhase.Completed && last is not null ? last.ValidationAccuracy : double.NaN;
        record.TestAccuracy = last?.TestAccuracy ?? double.NaN;
        record.Seconds = report.Status.ElapsedSeconds;
        record.FinishOrder = state.State.Trials.Count(t => t.Phase != ExperimentPhase.Running);
    }

    /// <summary>What the optimiser minimises: 1 - final validation accuracy; a failed trial counts as accuracy 0.</summary>
    private static double Objective(TrialRecord t) => double.IsNaN(t.ValidationAccuracy) ? 1 : 1 - t.ValidationAccuracy;

    private StudySpec Study() => _study ??= StudyParser.Parse(state.State.StudyYaml, $"study {Id}");

    private void Publish()
    {
        Waiters.Signal();
    }

    private bool Reached(int finished) =>
        state.State.Trials.Count(t => t.Phase != ExperimentPhase.Running) >= finished || state.State.Phase is not (ExperimentPhase.Running or ExperimentPhase.NotStarted);

    private TunerStatus Status()
    {
        var study = state.State.StudyYaml.Length > 0 ? Study() : null;
        double best = double.NaN;
        var bestByOrder = new Dictionary<int, double>();
        foreach (var t in state.State.Trials.Where(t => t.Phase != ExperimentPhase.Running).OrderBy(t => t.FinishOrder))
        {
            if (!double.IsNaN(t.ValidationAccuracy) && (double.IsNaN(best) || t.ValidationAccuracy > best))
            {
                best = t.ValidationAccuracy;
            }
            bestByOrder[t.Number] = best;
        }
        var trials = state.State.Trials.Select(t => new TrialSummary(
            t.Number, t.ExperimentId, study?.Overrides(new Configuration(t.Configuration)) ?? [], t.Phase,
            t.ValidationAccuracy, t.TestAccuracy, t.Seconds, bestByOrder.GetValueOrDefault(t.Number, double.NaN), t.FinishOrder)).ToList();
        return new TunerStatus(Id, state.State.Phase, study?.Trials ?? 0, trials,
            study is null ? "" : study.CreateOptimizer().Describe(), state.State.Error, state.State.Resumes);
    }
}
