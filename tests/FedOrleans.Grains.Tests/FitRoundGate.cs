using System.Collections.Concurrent;
using FedOrleans.Contracts;

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
