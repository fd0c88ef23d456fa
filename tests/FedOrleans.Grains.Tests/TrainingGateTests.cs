using System.Collections.Concurrent;
using FedOrleans.Grains.Training;
using Microsoft.Extensions.Options;

namespace FedOrleans.Grains.Tests;

/// <summary>
/// The silo's training gate: at most its capacity of work at once; waiting work starts largest cost first and in
/// arrival order among equals; a waiter whose wait is cancelled is skipped and its turn passes on.
/// </summary>
public sealed class TrainingGateTests
{
    [Fact]
    public async Task Waiting_work_starts_largest_first_and_a_cancelled_waiter_is_skipped()
    {
        using var gate = new TrainingGate(Options.Create(new TrainingOptions { ConcurrentFits = 1 }));
        var started = new ConcurrentQueue<string>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // What the gate counted as running whenever a piece of work started: never more than its one slot.
        var runningAtStart = new ConcurrentQueue<int>();
        string Work(string name)
        {
            runningAtStart.Enqueue(gate.Running);
            started.Enqueue(name);
            return name;
        }

        // The slot is busy until the test releases it; everything after waits.
        var blocker = gate.RunAsync(() => release.Task.Wait(TimeSpan.FromSeconds(30)), CancellationToken.None);
        using var cancelled = new CancellationTokenSource();
        var waiting = new List<Task<string>>
        {
            gate.RunAsync(() => Work("a"), CancellationToken.None, cost: 5),
            gate.RunAsync(() => Work("b"), CancellationToken.None, cost: 20),
            gate.RunAsync(() => Work("x"), cancelled.Token, cost: 100),
            gate.RunAsync(() => Work("c"), CancellationToken.None, cost: 10),
            gate.RunAsync(() => Work("d"), CancellationToken.None, cost: 20),
            gate.RunAsync(() => Work("e"), CancellationToken.None),
        };
        Assert.Equal(6, gate.Waiting);
        cancelled.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting[2]);
        release.SetResult();
        Assert.True(await blocker);
        foreach (var task in waiting.Where((_, i) => i != 2))
        {
            await task;
        }

        Assert.Equal(["b", "d", "c", "a", "e"], started.ToArray());
        Assert.All(runningAtStart, running => Assert.Equal(1, running));
        Assert.Equal(0, gate.Running);
        Assert.Equal(0, gate.Waiting);
        // The slot is free again: new work starts at once.
        Assert.Equal("f", await gate.RunAsync(() => Work("f"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
