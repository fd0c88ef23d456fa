using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FedOrleans.Models.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Torch;

/// <summary>
/// Process-wide TorchSharp set-up, and the per-thread part of it.
/// <para>
/// libtorch's <c>set_num_threads</c> is mostly per OS thread: it sets the calling thread's OpenMP team size
/// (and MKL's thread count, which is process-wide). Called once at start-up it leaves every thread-pool thread
/// with the defaults (all cores), so two fits running at once oversubscribe the cores. Every piece of
/// torch work therefore calls <see cref="EnsureThreadConfigured"/> first.
/// </para>
/// <para>
/// MKL (inside libtorch's CPU build) documents that, outside its conditional numerical reproducibility
/// mode, results for the same inputs may differ from run to run (e.g. with memory alignment). Before
/// libtorch loads, this class sets <c>MKL_CBWR=AUTO</c> (the CPU's fastest code path, reproducible)
/// unless the environment already chose a mode. (The larger source of run-to-run differences was
/// TorchSharp's optimizers losing scalars to the garbage collector: see Training/LocalOptimizer.)
/// </para>
/// </summary>
public static partial class TorchRuntime
{
    /// <summary>MKL's reproducibility setting, read when MKL initialises.</summary>
    public const string MklReproducibility = "MKL_CBWR";

    /// <summary>glibc's limit on malloc arenas; when it is set in the environment, glibc's own reading of it stands.</summary>
    public const string MallocArenaMax = "MALLOC_ARENA_MAX";

    /// <summary><c>M_ARENA_MAX</c> in glibc's malloc.h.</summary>
    private const int MArenaMax = -8;

    /// <summary><c>M_MMAP_THRESHOLD</c> and <c>M_TRIM_THRESHOLD</c> in glibc's malloc.h.</summary>
    private const int MMmapThreshold = -3, MTrimThreshold = -1;

    /// <summary>Native allocations below this come from malloc's arenas, not fresh maps (glibc's largest dynamic threshold).</summary>
    private const int MallocMmapThreshold = 32 << 20;

    /// <summary>Free memory an arena keeps at its top before malloc gives it back by itself.</summary>
    private const int MallocTrimThreshold = 64 << 20;

    [ThreadStatic]
    private static int _threadConfiguredFor;

    private static int _intraOpThreads = 1;

    /// <summary>The intra-op thread count every torch work item runs with (1 for many small fits in parallel).</summary>
    public static int IntraOpThreads => Volatile.Read(ref _intraOpThreads);

    /// <summary>
    /// The device a configured name (<c>cpu</c> or <c>cuda</c>) stands for. There is no process-wide device: whoever
    /// builds a trainer, evaluator or job runner passes it the one to use (the silo's <c>--device</c>; the CPU when none).
    /// </summary>
    public static Device DeviceNamed(string name) => name switch
    {
        "cpu" => CPU,
        "cuda" => CUDA,
        _ => throw new ArgumentException($"device '{name}': use cpu or cuda", nameof(name)),
    };

    private static readonly Lazy<Task> Loading = new(() => Task.Run(() =>
    {
        InitializeDeviceType(DeviceType.CPU);
        MklDispatch.Apply();
    }));

    /// <summary>
    /// Starts loading libtorch's CPU backend on a thread-pool thread (about a second of a process start here), so that it
    /// overlaps other start-up work; await <see cref="LoadedAsync"/> before <see cref="Configure"/>. Loads nothing
    /// else and configures nothing.
    /// </summary>
    public static void StartLoading() => _ = Loading.Value;

    /// <summary>Completes when a load <see cref="StartLoading"/> began has finished (with its error); at once if none was begun.</summary>
    public static Task LoadedAsync() => Loading.IsValueCreated ? Loading.Value : Task.CompletedTask;

    /// <summary>
    /// Loads the native library (and its CUDA backend when <paramref name="cuda"/>) and sets the intra-op thread count for
    /// every later work item. After <see cref="StartLoading"/>, call it once <see cref="LoadedAsync"/> has completed: it
    /// never waits on the background load.
    /// </summary>
    public static void Configure(int intraOpThreads = 1, bool cuda = false)
    {
        if (Loading.IsValueCreated)
        {
            var load = Loading.Value;
            if (!load.IsCompleted)
            {
                throw new InvalidOperationException("libtorch is still loading: await TorchRuntime.LoadedAsync() before Configure");
            }
            if (load.Exception is { } failed)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed.InnerException ?? failed);
            }
        }
        Volatile.Write(ref _intraOpThreads, Math.Max(1, intraOpThreads));
        if (cuda)
        {
            InitializeDeviceType(DeviceType.CUDA);
        }
        EnsureThreadConfigured();
    }

    /// <summary>
    /// Applies <see cref="IntraOpThreads"/> to the calling thread, once per thread. Never use another
    /// count for a single task (say, a bigger one for evaluation): besides the per-thread OpenMP setting,
    /// libtorch also sets MKL's process-wide thread count, so a fit running at the same moment on another
    /// thread would switch to a different summation order (seen as runs that were not bit-identical).
    /// </summary>
    public static void EnsureThreadConfigured()
    {
        int wanted = IntraOpThreads;
        if (_threadConfiguredFor != wanted)
        {
            set_num_threads(wanted); // loads libtorch on the process's first call
            MklDispatch.Apply();
            _threadConfiguredFor = wanted;
        }
    }

    /// <summary>A short description of the native backend, for logs and health output.</summary>
    public static string Describe() =>
        $"TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, threads {IntraOpThreads}, {MklReproducibility}={Environment.GetEnvironmentVariable(MklReproducibility)}, {MklDispatch.Outcome ?? "MKL not asked yet"}, cuda {cuda.is_available()}";

    /// <summary>The malloc arena limit <see cref="SetNativeEnvironment"/> sets: one arena per core, at least two.</summary>
    public static int MallocArenas => Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// Runs when FedOrleans.Models is first used, before any of its code touches libtorch. The native
    /// environment (what MKL's <c>getenv</c> sees) is set with libc's <c>setenv</c>, since
    /// <see cref="Environment.SetEnvironmentVariable(string, string)"/> only changes .NET's own copy on Linux.
    /// <para>
    /// It also caps glibc's malloc arenas at <see cref="MallocArenas"/> (glibc's default is 8 per core). Fits run on
    /// thread-pool threads that come and go; glibc gives new threads new arenas until the limit, and every arena keeps
    /// the memory freed in it, so a long run's resident memory kept growing by freed-but-kept native
    /// memory (docs/benchmarks.md, "Memory over a long run"). <c>MALLOC_ARENA_MAX</c> in the environment overrides it.
    /// </para>
    /// <para>
    /// And it fixes malloc's mmap threshold at <see cref="MallocMmapThreshold"/> and its trim threshold at
    /// <see cref="MallocTrimThreshold"/>. glibc starts at 128 KB and raises the mmap threshold only as large blocks are
    /// freed, and gives an arena's free top back once it passes twice that: a cohort fit's batch-sized buffers (a few
    /// hundred KB to a few MB) were mapped fresh, or trimmed and touched again, fit after fit, each 4 KB page a page fault
    /// (a logistic cohort of 5 MNIST clients: 1.9 ms with fixed thresholds, 6-9 ms without, <c>bench cohort</c>). The
    /// training gate still trims every arena when it goes idle (<see cref="TrimNativeHeap"/>). glibc's own settings in
    /// the environment (<c>MALLOC_MMAP_THRESHOLD_</c>, <c>MALLOC_TRIM_THRESHOLD_</c>, a threshold in <c>GLIBC_TUNABLES</c>) stand.
    /// </para>
    /// </summary>
#pragma warning disable CA2255 // A library module initializer is the point: it must run before any code of this library loads libtorch.
    [ModuleInitializer]
    internal static void SetNativeEnvironment()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        try
        {
            if (Environment.GetEnvironmentVariable(MallocArenaMax) is null)
            {
                _ = mallopt(MArenaMax, MallocArenas);
            }
            bool thresholdsGiven = Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null
                || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null
                || (Environment.GetEnvironmentVariable("GLIBC_TUNABLES") ?? "").Contains("threshold", StringComparison.Ordinal);
            if (!thresholdsGiven)
            {
                _ = mallopt(MMmapThreshold, MallocMmapThreshold);
                _ = mallopt(MTrimThreshold, MallocTrimThreshold);
            }
            if (Environment.GetEnvironmentVariable(MklReproducibility) is null)
            {
                _ = setenv(MklReproducibility, "AUTO", 0);
                Environment.SetEnvironmentVariable(MklReproducibility, "AUTO");
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl): neither setting applies.
        }
    }
#pragma warning restore CA2255

    [LibraryImport("libc.so.6", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    /// <summary>
    /// Returns the native heap's free memory to the operating system (glibc's <c>malloc_trim</c>, every arena). The
    /// arenas keep what fits free for reuse; with thread-pool threads that come and go, new allocations keep landing
    /// in other free pieces, so the kept memory creeps up over a long run. Costs a few milliseconds and the page faults
    /// of touching the returned pages again; the training gate calls it when it goes idle, at most every few seconds.
    /// Does nothing where the C library is not glibc.
    /// </summary>
    public static void TrimNativeHeap()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        try
        {
            _ = malloc_trim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc (musl): its allocator has no trim, and nothing is lost without it.
        }
    }

    /// <summary>
    /// Backs a large CPU tensor with transparent huge pages before it is first written (<see cref="HugePages"/>: a 31 MB
    /// evaluation set cost 80 ms of page faults in 4 KB pages). Small tensors, other devices and systems without
    /// transparent huge pages are left as they are; the tensor's contents are unaffected either way.
    /// </summary>
    public static unsafe void AdviseHugePages(Tensor tensor)
    {
        if (tensor.device_type != DeviceType.CPU || tensor.numel() * tensor.element_size() < HugePages.MinimumBytes)
        {
            return;
        }
        var bytes = tensor.bytes;
        fixed (byte* data = bytes)
        {
            HugePages.Advise(data, bytes.Length);
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static partial int malloc_trim(nuint pad);

    [LibraryImport("libc.so.6", EntryPoint = "mallopt")]
    private static partial int mallopt(int parameter, int value);

    /// <summary>
    /// For a program's very last step, once everything it wrote is closed: when libtorch is loaded in this process, ends
    /// the process with <paramref name="exitCode"/> at once (POSIX <c>_exit</c>), without the native libraries' exit
    /// handlers; otherwise returns. libtorch's static destructors unregister each of its thousands of operators one by
    /// one, 0.15-0.2 s of every console run on the 2-core development machine (perf: <c>c10::Dispatcher::deregisterImpl_</c>
    /// after <c>Main</c> returned), to free memory the process is about to give back anyway. .NET's own exit handlers
    /// (<c>AppDomain.ProcessExit</c>) do not run either; standard output and error are flushed first.
    /// </summary>
    public static void ExitIfLoaded(int exitCode)
    {
        if (!OperatingSystem.IsLinux() || !File.ReadAllText("/proc/self/maps").Contains("libtorch_cpu", StringComparison.Ordinal))
        {
            return;
        }
        Console.Out.Flush();
        Console.Error.Flush();
        _exit(exitCode);
    }

    [LibraryImport("libc.so.6", EntryPoint = "_exit")]
    private static partial void _exit(int status);
}
