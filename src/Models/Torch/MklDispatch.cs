using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace FedOrleans.Models.Torch;

/// <summary>
/// Lets MKL (linked into libtorch's CPU build) choose its kernels by the CPU's instruction set on every vendor's CPU.
/// <para>
/// MKL picks its optimised code paths only on CPUs whose vendor string is <c>GenuineIntel</c>: its
/// <c>mkl_serv_intel_cpu_true()</c> answers the question once (with <c>cpuid</c>) and caches the answer in a static
/// integer (negative until asked). On other CPUs every matrix product runs MKL's generic path; on the development
/// machine (AMD EPYC, Zen 5, AVX-512) that is ~75-80 GFLOP/s per core against ~165-180 with the AVX-512 path
/// (<c>bench gemm</c>, docs/benchmarks.md), which made a quickstart round's products slower than Debian's OpenBLAS.
/// </para>
/// <para>
/// <see cref="Apply"/> stores the answer "yes" in that cache before MKL first asks, so MKL dispatches by the CPU's
/// features (<c>cpuid</c>) as it does on Intel's CPUs; the features it then uses are ones this CPU reports, so the
/// kernels are valid here. It touches nothing else: it reads the function's first instruction
/// (<c>mov eax, [rip + offset]</c>) to find the cache and changes nothing when the code is not laid out that way (another
/// libtorch build), when libtorch has no MKL, on Intel's CPUs (already "yes") and off Linux x64. Results stay
/// reproducible run to run (<c>MKL_CBWR=AUTO</c>, <see cref="TorchRuntime"/>), on the faster branch.
/// Setting <see cref="KeepVariable"/>=1 in the environment leaves MKL's own vendor check in place.
/// </para>
/// </summary>
public static class MklDispatch
{
    /// <summary>Set to 1 to keep MKL's vendor check (generic kernels on non-Intel CPUs).</summary>
    public const string KeepVariable = "FEDORLEANS_MKL_VENDOR_CHECK";

    private const string CacheFunction = "mkl_serv_intel_cpu_true";

    private static readonly Lock Gate = new();
    private static string? _outcome;

    /// <summary>What <see cref="Apply"/> did (for health output and logs); null before it ran.</summary>
    public static string? Outcome => Volatile.Read(ref _outcome);

    /// <summary>
    /// Once per process, after libtorch is loaded and before its first matrix product: makes MKL dispatch by CPU
    /// features (see the class). Later calls return at once.
    /// </summary>
    public static void Apply()
    {
        if (Volatile.Read(ref _outcome) is not null)
        {
            return;
        }
        lock (Gate)
        {
            _outcome ??= Patch();
        }
    }

    private static unsafe string Patch()
    {
        if (Environment.GetEnvironmentVariable(KeepVariable) == "1")
        {
            return $"MKL vendor check kept ({KeepVariable}=1)";
        }
        if (!OperatingSystem.IsLinux() || !X86Base.IsSupported)
        {
            return "MKL vendor check kept (not Linux x64)";
        }
        if (Vendor() == "GenuineIntel")
        {
            return "MKL dispatches by features (Intel CPU)";
        }
        if (!NativeLibrary.TryLoad("libtorch_cpu.so", out var library)
            || !NativeLibrary.TryGetExport(library, CacheFunction, out var function))
        {
            return "MKL vendor check kept (libtorch without MKL)";
        }
        // mov eax, dword [rip + disp32]; test eax, eax; js ...  : the cached answer, then "ask if negative".
        var code = (byte*)function;
        if (code[0] != 0x8B || code[1] != 0x05 || code[6] != 0x85 || code[7] != 0xC0 || code[8] != 0x78)
        {
            return "MKL vendor check kept (unknown MKL build)";
        }
        var cache = (int*)(code + 6 + *(int*)(code + 2));
        Interlocked.Exchange(ref *cache, 1);
        return "MKL dispatches by features (vendor check answered)";
    }

    private static string Vendor()
    {
        var (_, ebx, ecx, edx) = X86Base.CpuId(0, 0);
        Span<int> words = [ebx, edx, ecx];
        return System.Text.Encoding.ASCII.GetString(MemoryMarshal.AsBytes(words));
    }
}
