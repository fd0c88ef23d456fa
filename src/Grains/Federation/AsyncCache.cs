using System.Collections.Concurrent;

namespace FedOrleans.Grains.Federation;

/// <summary>
/// Builds each value once per key, however many callers ask at the same time, and never keeps a
/// failure: a build that faulted is dropped so that the next caller tries again.
/// </summary>
public sealed class AsyncCache<TKey, TValue>
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Lazy<Task<TValue>>> _values = new();

    public Task<TValue> GetAsync(TKey key, Func<TKey, Task<TValue>> build)
    {
        var lazy = _values.GetOrAdd(key, k => new Lazy<Task<TValue>>(() => build(k)));
        var task = lazy.Value;
        if (task.IsFaulted)
        {
            _values.TryRemove(new KeyValuePair<TKey, Lazy<Task<TValue>>>(key, lazy));
        }
        return task;
    }

    public void Remove(TKey key) => _values.TryRemove(key, out _);
}
