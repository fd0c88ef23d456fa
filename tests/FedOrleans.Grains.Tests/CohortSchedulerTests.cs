using System.Collections.Concurrent;
using FedOrleans.Grains.Training;
using FedOrleans.Models.Data;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Training;
using FedOrleans.Models.Training.Cohorts;
using Microsoft.Extensions.Options;

namespace FedOrleans.Grains.Tests;

/// <summary>
/// The cohort scheduler on a CPU silo with two fit slots: a round's clients are trained in parts of half the round, each
/// as soon as it is full (while the rest are still to come); a part that never fills trains when the quiet window ends.
/// </summary>
public sealed class CohortSchedulerTests
{
    private static readonly Dataset Data = new("tiny", new byte[8 * 4], 1f / 255, [0, 1, 0, 1, 0, 1, 0, 1], 1, 2, 2, 2);

    [Fact]
    public async Task A_full_part_trains_before_the_rest_of_its_round_arrives()
    {
        var (gate, scheduler, trainer) = Start(windowMs: 600_000);
        using var _ = gate;

        // Round of 4 on 2 slots: parts of 2. The window is 10 minutes, so only a full part can start.
        var first = new[] { Fit(scheduler, 4, 0, trainer), Fit(scheduler, 4, 1, trainer) };
        var outcomes = await Task.WhenAll(first).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([0, 1], outcomes.Select(o => o.NumSamples));
        Assert.Equal(["0,1"], trainer.Calls);

        var second = new[] { Fit(scheduler, 4, 2, trainer), Fit(scheduler, 4, 3, trainer) };
        Assert.Equal([2, 3], (await Task.WhenAll(second).WaitAsync(TimeSpan.FromSeconds(30))).Select(o => o.NumSamples));
        Assert.Equal(["0,1", "2,3"], trainer.Calls);
        Assert.Equal((2, 4), scheduler.Trained);
    }

    [Fact]
    public async Task A_part_that_does_not_fill_trains_when_no_more_arrived_for_the_window()
    {
        var (gate, scheduler, trainer) = Start(windowMs: 50);
        using var _ = gate;

        // Round of 6 (parts of 3) of which this silo gets 4: one full part, then one client alone after the window.
        var fits = Enumerable.Range(0, 4).Select(i => Fit(scheduler, 6, i, trainer)).ToArray();
        Assert.Equal([0, 1, 2, 3], (await Task.WhenAll(fits).WaitAsync(TimeSpan.FromSeconds(30))).Select(o => o.NumSamples));
        Assert.Equal(["0,1,2", "3"], trainer.Calls);
    }

    private static readonly CohortKey Key = new("e", 1, new TrainerSettings());

    /// <summary>A CPU silo's gate with two fit slots and its cohort scheduler with the given quiet window.</summary>
    private static (TrainingGate Gate, CohortScheduler Scheduler, RecordingTrainer Trainer) Start(int windowMs)
    {
        var options = Options.Create(new TrainingOptions { ConcurrentFits = 2, CohortWindowMs = windowMs });
        var gate = new TrainingGate(options);
        return (gate, new CohortScheduler(gate, options), new RecordingTrainer());
    }

    /// <summary>Client <paramref name="index"/>'s fit in round 1; its outcome's sample count is its index, to tell outcomes apart.</summary>
    private static Task<FitOutcome> Fit(CohortScheduler scheduler, int roundClients, int index, RecordingTrainer trainer) =>
        scheduler.FitAsync(Key, roundClients,
            new CohortMember(new ModelWeights([0f]), new FitInstructions(1, (ulong)index, Key.Settings), new ClientShard(Data, [index], false)),
            trainer, CancellationToken.None);

    /// <summary>Records the clients of each batched fit it is given.</summary>
    private sealed class RecordingTrainer : ICohortTrainer
    {
        private readonly ConcurrentQueue<string> _calls = new();

        public string[] Calls => _calls.ToArray();

        public IReadOnlyList<FitOutcome> Fit(IReadOnlyList<CohortMember> members, CancellationToken ct)
        {
            _calls.Enqueue(string.Join(',', members.Select(m => m.Instructions.Seed)));
            return members.Select(m => new FitOutcome(m.Global, (int)m.Instructions.Seed, 0)).ToList();
        }
    }
}
