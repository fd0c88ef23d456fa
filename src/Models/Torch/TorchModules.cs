using System.Reflection;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Torch;

/// <summary>
/// Frees the native half of TorchSharp modules that TorchSharp 0.107 itself leaves behind.
/// <para>
/// Every TorchSharp module, built-in or ours, owns a native module and a boxed native module (created in its
/// constructor). <c>Linear</c>, <c>Conv1d/2d/3d</c>, <c>Bilinear</c> and <c>PReLU</c> override <c>Dispose(bool)</c>
/// without calling the base, so disposing them, directly or through a parent, frees their weights but never those two
/// native objects; their handles' finalizers free nothing either (they release only when disposing). About 650 bytes
/// a <c>Linear</c>. A silo builds a model for every fit, so a long run's native memory grew by about 2 KB a fit of the
/// quickstart's MLP (docs/benchmarks.md, "Memory over a long run"). Every module class here ends its <c>Dispose</c>
/// with <see cref="ReleaseNative"/>, which frees them for the whole tree.
/// </para>
/// </summary>
public static class TorchModules
{
    private const BindingFlags Internal = BindingFlags.Instance | BindingFlags.NonPublic;

    private static readonly FieldInfo Handle = typeof(nn.Module).GetField("handle", Internal)
        ?? throw new MissingFieldException(typeof(nn.Module).FullName, "handle");

    private static readonly FieldInfo Boxed = typeof(nn.Module).GetField("boxedModule", Internal)
        ?? throw new MissingFieldException(typeof(nn.Module).FullName, "boxedModule");

    /// <summary>
    /// Frees the native module and boxed module of <paramref name="module"/> and of every module below it. Call it after
    /// the tree's parameters are disposed; releasing an already released handle does nothing.
    /// </summary>
    public static void ReleaseNative(nn.Module module)
    {
        foreach (var m in module.modules().Prepend(module))
        {
            (Handle.GetValue(m) as IDisposable)?.Dispose();
            (Boxed.GetValue(m) as IDisposable)?.Dispose();
        }
    }
}
