using FedOrleans.Models.Federated;
using FedOrleans.Models.Training;
using FedOrleans.Models.Training.Cohorts;
using Microsoft.Extensions.Options;

namespace FedOrleans.Grains.Training;

/// <summary>
/// The silo's cohort scheduler, in front of the <see cref="TrainingGate"/>. Client grains hand it their fit for a
/// round; fits with the same <see cref="CohortKey"/> (experiment, round, settings) are gathered until all of the
/// round's clients are in, <see cref="TrainingOptions.MaxCohort"/> are waiting, or no more arrived for
/// <see cref="TrainingOptions.CohortWindowMs"/> (a round spread over several silos forms one cohort per silo),
/// then trained as batched models, split over the gate's slots so that every core has a share. Each grain gets
/// its own outcome back; a client's outcome does not depend on which others shared its cohort.
/// </summary>
public sealed class CohortScheduler(TrainingGate gate, IOptions<TrainingOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<CohortKey, Pending> _pending = [];
    private readonly TimeSpan _window = TimeSpan.FromMilliseconds(options.Value.CohortWindowMs);
    private readonly int _maxCohort = options.Value.MaxCohort;

    /// <summary>Cohorts trained so far on this silo, and the clients in them (for /healthz and benchmarks).</summary>
    public (long Cohorts, long Clients) Trained => (Interlocked.Read(ref _cohorts), Interlocked.Read(ref _clients));

    private long _cohorts;
    private long _clients;

    /// <param name="key">What the cohort's members share.</param>
    /// <param name="roundClients">Clients of the round (on every silo); 0 when unknown.</param>
    /// <param name="member">This client's fit.</param>
    /// <param name="trainer">Trains a list of members; called off the grain scheduler, through the gate.</param>
    /// <param name="ct">Ends this client's wait (its round's deadline); the cohort's work is not interrupted.</param>
    public Task<FitOutcome> FitAsync(CohortKey key, int roundClients, CohortMember member, ICohortTrainer trainer, CancellationToken ct)
    {
        var completion = new TaskCompletionSource<FitOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        Pending? full = null;
        Pending? opened = null;
        lock (_lock)
        {
            if (!_pending.TryGetValue(key, out var pending))
            {
                pending = opened = new Pending(trainer);
                _pending[key] = pending;
            }
            pending.Members.Add((member, completion));
            if (pending.Members.Count >= Math.Min(roundClients > 0 ? roundClients : int.MaxValue, _maxCohort))
            {
                _pending.Remove(key);
                full = pending;
            }
        }
        if (full is not null)
        {
            _ = RunAsync(full);
        }
        else if (opened is not null)
        {
            _ = FlushWhenQuietAsync(key, opened);
        }
        return completion.Task.WaitAsync(ct);
    }

    /// <summary>One timer per cohort: it closes the cohort once a whole window passed with no new member.</summary>
    private async Task FlushWhenQuietAsync(CohortKey key, Pending pending)
    {
        int seen = 1; // it opened with its first member
        while (true)
        {
            await Task.Delay(_window);
            lock (_lock)
            {
                if (!_pending.TryGetValue(key, out var current) || current != pending)
                {
                    return; // it filled up and already runs
                }
                if (pending.Members.Count != seen)
                {
                    seen = pending.Members.Count;
                    continue;
                }
                _pending.Remove(key);
            }
            await RunAsync(pending);
            return;
        }
    }

    private async Task RunAsync(Pending pending)
    {
        Interlocked.Increment(ref _cohorts);
        Interlocked.Add(ref _clients, pending.Members.Count);
        // On a CPU, one batched fit per gate slot (a share of the cohort each, one core each); a GPU takes it whole.
        int parts = gate.SplitInto(pending.Members.Count);
        int size = (pending.Members.Count + parts - 1) / parts;
        await Task.WhenAll(pending.Members.Chunk(size).Select(async chunk =>
        {
            try
            {
                var outcomes = await gate.RunAsync(() => pending.Trainer.Fit(chunk.Select(m => m.Member).ToList(), CancellationToken.None),
                    CancellationToken.None, cost: chunk.Sum(m => (long)m.Member.Shard.Count));
                for (int i = 0; i < chunk.Length; i++)
                {
                    chunk[i].Completion.TrySetResult(outcomes[i]);
                }
            }
            catch (Exception e)
            {
                foreach (var (_, completion) in chunk)
                {
                    completion.TrySetException(e);
                }
            }
        }));
    }

    private sealed class Pending(ICohortTrainer trainer)
    {
        public ICohortTrainer Trainer { get; } = trainer;

        public List<(CohortMember Member, TaskCompletionSource<FitOutcome> Completion)> Members { get; } = [];
    }
}

/// <summary>What the members of one cohort share: the experiment, the round and the training settings.</summary>
public sealed record CohortKey(string ExperimentId, int Round, TrainerSettings Settings);
