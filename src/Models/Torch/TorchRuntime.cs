using static TorchSharp.torch;

namespace FedOrleans.Models.Torch;

/// <summary>
/// Process-wide TorchSharp set-up, and the per-thread part of it.
/// <para>
/// libtorch's <c>set_num_threads</c> is per OS thread: it sets the calling thread's OpenMP team size
/// and MKL's thread-local thread count. Called once at start-up it leaves every thread-pool thread
/// with the defaults (all cores, MKL dynamic threading), so two fits running at once oversubscribe the
/// cores and MKL may pick a different thread count, and so a different summation order, from run to
/// run. Every piece of torch work therefore calls <see cref="EnsureThreadConfigured"/> first.
/// </para>
/// <para>
/// Flush-to-zero is per-thread CPU state (MXCSR) too. Late in training, softmax probabilities and
/// their gradients underflow into float32 denormals; a thread that flushes them and one that does not
/// compute different weights, so the same seed gave different runs depending on which pool thread ran
/// which fit (seen at round 59 of the quickstart). Every work item sets it, on, explicitly.
/// </para>
/// </summary>
public static class TorchRuntime
{
    [ThreadStatic]
    private static int _threadConfiguredFor;

    private static int _intraOpThreads = 1;

    /// <summary>The intra-op thread count every torch work item runs with (1 for many small fits in parallel).</summary>
    public static int IntraOpThreads => Volatile.Read(ref _intraOpThreads);

    /// <summary>Loads the native library and sets the intra-op thread count for every later work item.</summary>
    public static void Configure(int intraOpThreads = 1)
    {
        Volatile.Write(ref _intraOpThreads, Math.Max(1, intraOpThreads));
        EnsureThreadConfigured();
    }

    /// <summary>Sets flush-to-zero on the calling thread and applies <see cref="IntraOpThreads"/> to it (once per thread, and again after a change).</summary>
    public static void EnsureThreadConfigured()
    {
        FloatingPointMode.FlushDenormals();
        int wanted = IntraOpThreads;
        if (_threadConfiguredFor != wanted)
        {
            set_num_threads(wanted);
            _threadConfiguredFor = wanted;
        }
    }

    /// <summary>A short description of the native backend, for logs and health output.</summary>
    public static string Describe() => $"TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, threads {IntraOpThreads}, cuda {cuda.is_available()}";
}
