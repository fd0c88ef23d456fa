using System.Collections.Concurrent;
using FedOrleans.Contracts;
using Orleans.Core.Internal;

namespace FedOrleans.Grains.Tests;

/// <summary>
/// Holds one round's client fits of one experiment at the coordinator, before they leave it, until the test
/// releases them: the test acts between two rounds (e.g. deactivates the client grains) without racing the
/// round loop. Experiments no test armed a hold for pass straight through.
/// </summary>
public sealed class FitRoundGate : IOutgoingGrainCallFilter
{
    private static readonly ConcurrentDictionary<string, Hold> Holds = new();

    /// <summary>Holds round <paramref name="round"/>'s fits of <paramref name="experimentId"/> from now on.</summary>
    public static Hold Arm(string experimentId, int round) => Holds[experimentId] = new Hold(experimentId, round);

    /// <summary>
    /// Runs <paramref name="specYaml"/> (4 rounds, <paramref name="clientCount"/> clients) on <paramref name="grain"/>
    /// and deactivates every client grain while round 3's fits wait at the coordinator: checks that each client holds
    /// its private state (<paramref name="state"/>, for the messages) after round 2, that the experiment completes, and
    /// that the new activations did the fits of rounds 3 and 4 with private state.
    /// </summary>
    public static async Task RunWithClientsDeactivatedBeforeRound3Async(IGrainFactory grains, IExperimentGrain grain, string id,
        string specYaml, int clientCount, string state)
    {
        var hold = Arm(id, 3);
        var clients = Enumerable.Range(0, clientCount).Select(i => grains.GetGrain<IClientGrain>(GrainKeys.Client(id, i))).ToArray();
        try
        {
            await grain.StartAsync(specYaml);
            await hold.ReachedAsync(Specs.Patience);
            var before = await Task.WhenAll(clients.Select(c => c.GetInfoAsync()));
            Assert.All(before, info => Assert.True(info.PrivateStateSha256 is not null && info.LastRound == 2, $"client {info.Index} before the deactivation: last round {info.LastRound}, {state} {info.PrivateStateSha256 ?? "none"}"));
            foreach (var c in clients)
            {
                await c.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
            }
        }
        finally
        {
            hold.Release();
        }
        var final = await grain.WaitForAsync(int.MaxValue, Specs.Patience);
        Assert.Equal(ExperimentPhase.Completed, final.Phase);
        var after = await Task.WhenAll(clients.Select(c => c.GetInfoAsync()));
        Assert.All(after, info => Assert.True(info.Fits == 2 && info.LastRound == 4 && info.PrivateStateSha256 is not null,
            $"client {info.Index} after the deactivation: {info.Fits} fits in this activation (expected 2: rounds 3 and 4), last round {info.LastRound}"));
    }

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name == nameof(IClientGrain.FitAsync) && context.Request.GetArgument(0) is FitRequest request
            && Holds.TryGetValue(GrainKeys.ParseClient(context.TargetId.Key.ToString()!).ExperimentId, out var hold) && request.Round == hold.Round)
        {
            hold.Arrive();
            await hold.Released;
        }
        await context.Invoke();
    }

    /// <summary>One armed hold: the round's fits wait at the coordinator until <see cref="Release"/>.</summary>
    public sealed class Hold(string experimentId, int round)
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Round => round;

        internal Task Released => _released.Task;

        internal void Arrive() => _reached.TrySetResult();

        /// <summary>Completes when the first fit of the round is held (every earlier round is then finished and persisted).</summary>
        public async Task ReachedAsync(TimeSpan timeout)
        {
            try
            {
                await _reached.Task.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"{experimentId}: no fit of round {round} left the coordinator within {timeout}");
            }
        }

        /// <summary>Lets the held fits (and any later ones) go; the hold is removed.</summary>
        public void Release()
        {
            Holds.TryRemove(experimentId, out _);
            _released.TrySetResult();
        }
    }
}
