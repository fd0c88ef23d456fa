using FedOrleans.Grains.Training;
using Microsoft.Extensions.Options;

namespace FedOrleans.Silo.Hosting;

/// <summary>Checks the training options at silo start; each message names the setting, its command-line switch and environment variable.</summary>
public sealed class TrainingOptionsValidator : IValidateOptions<TrainingOptions>
{
    public ValidateOptionsResult Validate(string? name, TrainingOptions options)
    {
        var errors = new List<string>();
        if (options.Device is not ("cpu" or "cuda"))
        {
            errors.Add($"FedOrleans:Training:Device (--device, env FedOrleans__Training__Device) is '{options.Device}'; allowed: cpu, cuda");
        }
        if (options.ConcurrentFits is < 1 or > 1024)
        {
            errors.Add($"FedOrleans:Training:ConcurrentFits (--concurrent-fits, env FedOrleans__Training__ConcurrentFits) is {options.ConcurrentFits}; allowed: 1..1024");
        }
        if (options.TorchThreads is < 1 or > 256)
        {
            errors.Add($"FedOrleans:Training:TorchThreads (--threads, env FedOrleans__Training__TorchThreads) is {options.TorchThreads}; allowed: 1..256");
        }
        if (options.GpuJobs is < 1 or > 64)
        {
            errors.Add($"FedOrleans:Training:GpuJobs (--gpu-jobs, env FedOrleans__Training__GpuJobs) is {options.GpuJobs}; allowed: 1..64");
        }
        if (options.MaxCohort is < 1 or > 100_000)
        {
            errors.Add($"FedOrleans:Training:MaxCohort (--max-cohort, env FedOrleans__Training__MaxCohort) is {options.MaxCohort}; allowed: 1..100000");
        }
        if (options.CohortWindowMs is < 0 or > 60_000)
        {
            errors.Add($"FedOrleans:Training:CohortWindowMs (--cohort-window-ms, env FedOrleans__Training__CohortWindowMs) is {options.CohortWindowMs}; allowed: 0..60000");
        }
        if (options.CheckpointEvery is < 1 or > 1_000_000)
        {
            errors.Add($"FedOrleans:Training:CheckpointEvery (--checkpoint-every, env FedOrleans__Training__CheckpointEvery) is {options.CheckpointEvery}; allowed: 1..1000000 (rounds between two writes of an experiment's state)");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
