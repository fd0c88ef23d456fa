using FedOrleans.Grains.Training;
using FedOrleans.Models.Torch;
using FedOrleans.Models.Training.Cohorts;
using Microsoft.Extensions.Options;

namespace FedOrleans.Silo.Hosting;

/// <summary>Loads TorchSharp's native library and sets its thread count before the first grain trains; fails the start if CUDA was asked for and is absent.</summary>
public sealed class TorchStartup(IOptions<TrainingOptions> options, ILogger<TorchStartup> logger) : IHostedLifecycleService
{
    /// <summary>
    /// Runs before any hosted service starts (Orleans' silo among them): on a CPU silo the warm-up is queued to run as soon
    /// as libtorch has loaded, on a core the host's start leaves idle, rather than after the silo's start, beside the
    /// first experiment's start and first round. It configures libtorch first (as <see cref="StartAsync"/> does again),
    /// so that it trains with the silo's thread count.
    /// </summary>
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Device != "cuda")
        {
            _ = TorchRuntime.LoadedAsync().ContinueWith(load =>
            {
                if (load.IsCompletedSuccessfully)
                {
                    WarmUp();
                }
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
        return Task.CompletedTask;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await TorchRuntime.LoadedAsync().WaitAsync(cancellationToken);
        bool cuda = options.Value.Device == "cuda";
        if (cuda && !TorchSharp.torch.cuda.is_available())
        {
            throw new InvalidOperationException(
                "--device cuda was given but CUDA is not available to TorchSharp: build with -p:TorchBackend=external and put a CUDA libtorch (e.g. a PyTorch install's torch/lib) on LD_LIBRARY_PATH, or start with --device cpu");
        }
        TorchRuntime.Configure(options.Value.TorchThreads, cuda);
        logger.LogInformation("Torch ready: {Torch}, device {Device}, {Fits} concurrent fits", TorchRuntime.Describe(), options.Value.Device, options.Value.ConcurrentFits);
    }

    /// <summary>The first cohort fit's one-time costs, paid here rather than in an experiment's first round (<see cref="CohortWarmUp"/>).</summary>
    private void WarmUp()
    {
        try
        {
            TorchRuntime.Configure(options.Value.TorchThreads);
            CohortWarmUp.Run();
        }
        catch (Exception e)
        {
            // Nothing depends on it: the first real fit pays the same costs instead.
            logger.LogWarning(e, "The cohort warm-up failed; the first fit will be slower");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
