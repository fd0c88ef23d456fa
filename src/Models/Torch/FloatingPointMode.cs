using System.Runtime.InteropServices;

namespace FedOrleans.Models.Torch;

/// <summary>
/// Per-thread x86 SSE floating-point mode (MXCSR), through glibc's <c>fegetenv</c>/<c>fesetenv</c> (libm):
/// on x86-64 the <c>fenv_t</c> those use ends with the MXCSR word (byte offset 28 of 32).
/// libtorch's own setter (<c>at::globalContext().setFlushDenormal</c>) is not exposed by TorchSharp.
/// </summary>
public static partial class FloatingPointMode
{
    /// <summary>MXCSR flush-to-zero (results) and denormals-are-zero (inputs).</summary>
    public const uint FlushBits = 0x8000 | 0x0040;

    private const int FenvSize = 32;
    private const int MxcsrOffset = 28;

    public static bool Supported { get; } = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>The calling thread's MXCSR, or null where unsupported.</summary>
    public static unsafe uint? Mxcsr()
    {
        if (!Supported)
        {
            return null;
        }
        byte* env = stackalloc byte[FenvSize];
        return fegetenv(env) == 0 ? *(uint*)(env + MxcsrOffset) : null;
    }

    /// <summary>Turns flush-to-zero and denormals-are-zero on for the calling thread; a no-op where unsupported.</summary>
    public static unsafe void FlushDenormals()
    {
        if (!Supported)
        {
            return;
        }
        byte* env = stackalloc byte[FenvSize];
        if (fegetenv(env) != 0)
        {
            return;
        }
        uint* mxcsr = (uint*)(env + MxcsrOffset);
        if ((*mxcsr & FlushBits) != FlushBits)
        {
            *mxcsr |= FlushBits;
            fesetenv(env);
        }
    }

    [LibraryImport("libm.so.6", EntryPoint = "fegetenv")]
    private static unsafe partial int fegetenv(byte* env);

    [LibraryImport("libm.so.6", EntryPoint = "fesetenv")]
    private static unsafe partial int fesetenv(byte* env);
}
