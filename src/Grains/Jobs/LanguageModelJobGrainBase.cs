using System.Diagnostics;
using FedOrleans.Contracts;
using FedOrleans.Grains.Common;
using FedOrleans.Grains.Federation;
using FedOrleans.Grains.Training;
using FedOrleans.Models.Jobs;
using FedOrleans.Models.Specs;
using FedOrleans.Models.Specs.Yaml;
using FedOrleans.Models.Torch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace FedOrleans.Grains.Jobs;

/// <summary>
/// Runs one language-model job (pre-training, GEM or adapter fine-tuning). The loop is a background task on the grain's scheduler (status queries
/// interleave at its awaits); the torch work runs in chunks of <see cref="JobSpec.ReportEvery"/> steps
/// through the silo's training gate. Every <see cref="JobSpec.CheckpointEvery"/> steps the runner writes a
/// checkpoint into the job's folder and the grain persists the step; a reminder revives the job after a
/// deactivation or a lost silo, and it continues from that checkpoint.
/// </summary>
public abstract class LanguageModelJobGrainBase(
    IPersistentState<JobState> state,
    DatasetStore datasets,
    TrainingGate gate,
    IOptions<TrainingOptions> options,
    ILocalSiloDetails silo,
    ILogger logger) : ResumableGrain, ILanguageModelJobGrain
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromMinutes(30);

    private JobSpec? _spec;

    private string Id => this.GetPrimaryKeyString();

    /// <summary>True for the GPU implementation (reported in the status).</summary>
    protected abstract bool OnGpuSilo { get; }

    /// <summary>Runs the whole job; the GPU implementation first takes one of the silo's GPU job slots.</summary>
    protected virtual Task<bool> RunJobAsync(Func<Task<bool>> job, CancellationToken ct) => job();

    /// <summary>The job continues from its last checkpoint: the steps after it are dropped from the history.</summary>
    protected override async Task RecordResumeAsync(CancellationToken cancellationToken)
    {
        state.State.Resumes++;
        state.State.Step = state.State.CheckpointStep;
        state.State.History.RemoveAll(p => p.Step > state.State.CheckpointStep);
        await state.WriteStateAsync(cancellationToken);
        logger.LogWarning("job {JobId} resumes from its checkpoint at step {Step} (resume {Resumes})", Id, state.State.CheckpointStep, state.State.Resumes);
    }

    public async Task<JobStatus> StartAsync(string specYaml)
    {
        var (spec, errors, _) = JobSpecParser.TryParse(specYaml);
        if (spec is null)
        {
            throw new SpecRefusedException(new SpecException($"job {Id}", errors).Message);
        }
        if (state.State.Phase != ExperimentPhase.NotStarted)
        {
            if (state.State.SpecYaml == specYaml && state.State.Phase == ExperimentPhase.Running)
            {
                return Status();
            }
            throw new IdInUseException($"job id '{Id}' is already used ({state.State.Phase}, step {state.State.Step}); choose another id");
        }
        spec = Resolved(spec);
        if (JobRunners.BaseCheckpoint(spec) is { } checkpoint && !File.Exists(Path.Combine(checkpoint, "config.json")))
        {
            throw new SpecRefusedException($"{spec.Kind.ToString().ToLowerInvariant()}.base: no checkpoint (config.json) in '{checkpoint}' on silo {silo.SiloAddress}; give the folder of a pretrain job's checkpoint as the silos see it, or job:<id> for a job of this cluster");
        }
        state.State = new JobState
        {
            SpecYaml = specYaml,
            Phase = ExperimentPhase.Running,
            CheckpointFolder = Path.GetFullPath(Path.Combine(datasets.JobsRoot, Id)),
        };
        await state.WriteStateAsync();
        await RegisterResumeReminderAsync();
        _spec = spec;
        logger.LogInformation("job {JobId} starts: {Kind}, {Steps} steps, checkpoints in {Folder}", Id, spec.Kind, spec.TotalSteps, state.State.CheckpointFolder);
        Publish();
        StartLoop();
        return Status();
    }

    public Task<JobStatus> GetStatusAsync() => Task.FromResult(Status());

    public async Task<JobStatus> WaitForAsync(int step, TimeSpan timeout)
    {
        await WaitForProgressAsync(step, timeout);
        return Status();
    }

    public async Task<JobStatus> CancelAsync()
    {
        await CancelRunAsync();
        return Status();
    }

    protected override bool IsRunning => state.State.Phase == ExperimentPhase.Running;

    protected override void StartLoop()
    {
        var spec = Spec() ?? throw new InvalidOperationException($"job '{Id}' has no spec to run");
        Loop.Start(ct => RunJobAsync(() => RunLoopAsync(spec, ct), ct));
    }

    private async Task<bool> RunLoopAsync(JobSpec spec, CancellationToken ct)
    {
        IJobRunner? runner = null;
        try
        {
            foreach (var dataset in JobRunners.Datasets(spec))
            {
                await new Models.Data.DatasetFetcher(datasets.Cache).EnsureAsync(dataset, ct: ct);
            }
            var folder = state.State.CheckpointFolder;
            string? resumeFrom = state.State.CheckpointStep > 0 ? folder : null;
            runner = await gate.RunAsync(() =>
            {
                TorchRuntime.EnsureThreadConfigured();
                return JobRunners.Create(spec, datasets.Cache, resumeFrom, gate.Device);
            }, ct);
            state.State.Parameters = runner.Parameters;
            state.State.Step = runner.Step;
            state.State.TotalSteps = runner.TotalSteps;
            while (runner.Step < runner.TotalSteps)
            {
                ct.ThrowIfCancellationRequested();
                DelayDeactivation(KeepAlive);
                var work = runner;
                var (points, checkpointed) = await gate.RunAsync(() => RunChunk(work, spec, folder, ct), ct);
                state.State.History.AddRange(points);
                state.State.Step = runner.Step;
                state.State.Seconds += points.Sum(p => p.Seconds);
                if (checkpointed)
                {
                    state.State.CheckpointStep = runner.Step;
                }
                await state.WriteStateAsync(CancellationToken.None);
                Publish();
            }
            await FinishAsync(ExperimentPhase.Completed, null);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Cancelled by the user, or the grain is deactivating: keep the work done so far in a checkpoint.
            if (runner is not null && runner.Step > state.State.CheckpointStep)
            {
                var work = runner;
                await Task.Run(() => work.SaveCheckpoint(state.State.CheckpointFolder), CancellationToken.None);
                state.State.CheckpointStep = runner.Step;
                await state.WriteStateAsync(CancellationToken.None);
            }
            if (Loop.CancelRequested)
            {
                await FinishAsync(ExperimentPhase.Cancelled, null);
            }
        }
        catch (Exception e)
        {
            logger.LogError(e, "job {JobId} failed at step {Step}", Id, state.State.Step);
            await FinishAsync(ExperimentPhase.Failed, $"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            runner?.Dispose();
        }
        return true;
    }

    /// <summary>Up to <see cref="JobSpec.ReportEvery"/> steps (fewer at a checkpoint boundary); checkpoints when one is due.</summary>
    private static (List<JobPoint> Points, bool Checkpointed) RunChunk(IJobRunner runner, JobSpec spec, string folder, CancellationToken ct)
    {
        var points = new List<JobPoint>();
        var stopwatch = Stopwatch.StartNew();
        do
        {
            ct.ThrowIfCancellationRequested();
            var step = runner.Advance();
            if (step.Step % spec.ReportEvery == 0 || step.Evaluated || step.Step == runner.TotalSteps)
            {
                points.Add(new JobPoint(step.Step, step.Loss, step.LearningRate, step.Metric ?? double.NaN, stopwatch.Elapsed.TotalSeconds));
                stopwatch.Restart();
            }
        }
        while (runner.Step % spec.ReportEvery != 0 && runner.Step % spec.CheckpointEvery != 0 && runner.Step < runner.TotalSteps);
        bool due = runner.Step % spec.CheckpointEvery == 0 || runner.Step == runner.TotalSteps;
        if (due)
        {
            runner.SaveCheckpoint(folder);
        }
        return (points, due);
    }

    protected override async Task FinishAsync(ExperimentPhase phase, string? error)
    {
        state.State.Phase = phase;
        state.State.Error = error;
        await state.WriteStateAsync(CancellationToken.None);
        await UnregisterResumeReminderAsync();
        logger.LogInformation("job {JobId} {Phase} at step {Step}", Id, phase, state.State.Step);
        Publish();
    }

    protected override bool Reached(int step) =>
        state.State.Step >= step || state.State.Phase is not (ExperimentPhase.Running or ExperimentPhase.NotStarted);

    private JobSpec? Spec() => _spec ??= state.State.SpecYaml.Length > 0 ? Resolved(JobSpecParser.Parse(state.State.SpecYaml, source: $"job {Id}")) : null;

    /// <summary><c>gem.base: job:ID</c> names the checkpoint folder of job ID of this cluster.</summary>
    private JobSpec Resolved(JobSpec spec) => spec switch
    {
        { Gem: { } gem } => spec with { Gem = gem with { Base = datasets.ResolveCheckpoint(gem.Base) } },
        { Smore: { } smore } => spec with { Smore = smore with { Base = datasets.ResolveCheckpoint(smore.Base) } },
        _ => spec,
    };

    private JobStatus Status()
    {
        var spec = Spec();
        return new JobStatus(
            Id,
            spec?.Kind.ToString().ToLowerInvariant() ?? "",
            state.State.Phase,
            state.State.Step,
            state.State.TotalSteps > 0 ? state.State.TotalSteps : spec?.TotalSteps ?? 0,
            state.State.CheckpointStep,
            spec?.Kind switch { JobKind.Gem => "logit scale", JobKind.Smore => "accuracy (validation per epoch, test at the end)", _ => "validation perplexity" },
            state.State.History.ToList(),
            state.State.Error,
            state.State.Resumes,
            silo.SiloAddress.ToString(),
            options.Value.Device,
            state.State.CheckpointFolder,
            state.State.Parameters,
            OnGpuSilo);
    }
}
