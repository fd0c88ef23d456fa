using static TorchSharp.torch;

namespace FedOrleans.Models.Torch;

/// <summary>Process-wide TorchSharp set-up, called once at start-up (silo, console, tests).</summary>
public static class TorchRuntime
{
    private static readonly Lock Gate = new();
    private static bool _configured;

    /// <summary>
    /// Loads the native library and sets the intra-op thread count (1 for many small fits running in
    /// parallel). Idempotent; later calls with another count are ignored.
    /// </summary>
    public static void Configure(int intraOpThreads = 1)
    {
        lock (Gate)
        {
            if (_configured)
            {
                return;
            }
            set_num_threads(Math.Max(1, intraOpThreads));
            _configured = true;
        }
    }

    /// <summary>A short description of the native backend, for logs and health output.</summary>
    public static string Describe() => $"TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version}, threads {get_num_threads()}, cuda {cuda.is_available()}";
}
