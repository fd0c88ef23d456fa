using FedOrleans.Models.Federated;
using FedOrleans.Models.Training;
using FedOrleans.Models.Training.Cohorts;
using Microsoft.Extensions.Options;

namespace FedOrleans.Grains.Training;

/// <summary>
/// The silo's cohort scheduler, in front of the <see cref="TrainingGate"/>. Client grains hand it their fit for a
/// round; fits with the same <see cref="CohortKey"/> (experiment, round, settings) are gathered into parts of a cohort:
/// the round's clients (at most <see cref="TrainingOptions.MaxCohort"/>) shared out over the gate's slots on a CPU (a
/// core each), all of them on a GPU. A part trains as a batched model as soon as it is full, so the first part trains
/// while the rest of the round's clients arrive; one that is not full when no more arrived for
/// <see cref="TrainingOptions.CohortWindowMs"/> (a round spread over several silos) trains then, split over the slots.
/// Each grain gets its own outcome back; a client's outcome does not depend on which others shared its cohort.
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
            if (pending.Members.Count >= PartSize(roundClients))
            {
                _pending.Remove(key);
                full = pending;
            }
        }
        if (full is not null)
        {
            // One part's worth: it trains now, on one slot, while the round's later clients are still arriving.
            _ = RunAsync(full, parts: 1);
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
            await RunAsync(pending, gate.SplitInto(pending.Members.Count));
            return;
        }
    }

    /// <summary>
    /// How many members make one part of a round's cohort: the round's clients (at most <see cref="TrainingOptions.MaxCohort"/>)
    /// shared out over the gate's slots (all of them on a GPU). A part trains as soon as it is full, so on a CPU the first
    /// part's fit overlaps the arrival of the rest.
    /// </summary>
    private int PartSize(int roundClients)
    {
        int cohort = roundClients > 0 ? Math.Min(roundClients, _maxCohort) : _maxCohort;
        int parts = gate.SplitInto(cohort);
        return (cohort + parts - 1) / parts;
    }

    /// <param name="parts">Batched fits to split the members into (one per gate slot on a CPU: a core each).</param>
    private async Task RunAsync(Pending pending, int parts)
    {
        Interlocked.Increment(ref _cohorts);
        Interlocked.Add(ref _clients, pending.Members.Count);
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
