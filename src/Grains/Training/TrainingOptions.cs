namespace FedOrleans.Grains.Training;

/// <summary>How the silo runs CPU- or GPU-heavy work (bound from the silo's configuration).</summary>
public sealed class TrainingOptions
{
    public const string Section = "FedOrleans:Training";

    /// <summary>Fits running at once on this silo; defaults to the processor count.</summary>
    public int ConcurrentFits { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// The most clients trained as one batched model (a cohort); more clients of a round on this silo make several
    /// cohorts. Bounds the memory of a cohort fit (stacked weights, gradients and optimizer state of each client).
    /// </summary>
    public int MaxCohort { get; set; } = 128;

    /// <summary>How long a cohort waits for more fits of its round after the last one arrived, in milliseconds.</summary>
    public int CohortWindowMs { get; set; } = 20;

    /// <summary>
    /// Rounds between two writes of an experiment coordinator's state (its checkpoint: global model, strategy state,
    /// history); the end of the experiment is always written. A coordinator that resumes (after a lost silo or a
    /// deactivation) trains the rounds since its checkpoint again, with the same result. 1 (the default) writes every
    /// round; the console's embedded silo, whose in-memory storage ends with its process, writes every
    /// <see cref="EmbeddedCheckpointEvery"/>.
    /// </summary>
    public int CheckpointEvery { get; set; } = 1;

    /// <summary>
    /// <see cref="CheckpointEvery"/> of the console's embedded silo: its in-memory storage ends with the process, so a
    /// write every round would only guard against a deactivation of the coordinator within the run.
    /// </summary>
    public const int EmbeddedCheckpointEvery = 10;

    /// <summary>
    /// A full, compacting garbage collection once an experiment's workload is loaded, before its first round: what the
    /// silo's start and the data's load left in the young generations (~20 MB of live objects) is promoted then, and the
    /// rounds allocate in memory the collector has used before, instead of pausing for that promotion mid-run and
    /// faulting in fresh pages (B1: ~10,000 page faults and a 15-45 ms collection in its first 40 rounds). It pauses
    /// the whole silo for ~20-60 ms: on for the console's embedded silo (one experiment per process), off for a
    /// cluster's silos, where it would stall the other experiments' rounds.
    /// </summary>
    public bool CollectBeforeFirstRound { get; set; }

    /// <summary>Torch intra-op threads per fit (1 for many small fits).</summary>
    public int TorchThreads { get; set; } = 1;

    /// <summary><c>cpu</c> or <c>cuda</c>.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>The torch device <see cref="Device"/> names: what the silo's trainers, evaluators and job runners are given.</summary>
    public TorchSharp.torch.Device TorchDevice => Models.Torch.TorchRuntime.DeviceNamed(Device);

    /// <summary>GPU jobs (fits of GPU clients, fine-tuning jobs) running at once on this silo; advertised in the silo metadata.</summary>
    public int GpuJobs { get; set; } = 1;

    /// <summary>Where fine-tuning jobs write their checkpoints (a folder per job); empty means <c>jobs/</c> in the dataset cache. Shared storage lets a job resume on another silo.</summary>
    public string JobsRoot { get; set; } = "";

    /// <summary>The dataset cache folder; empty means <c>$FEDORLEANS_DATA</c> or the user's cache directory.</summary>
    public string DataRoot { get; set; } = "";
}
