using FedOrleans.Models.Federated;
using FedOrleans.Models.Llm;
using FedOrleans.Models.Llm.Safetensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedOrleans.Models.Adapters;

/// <summary>
/// The adapters attached to one <see cref="LlamaForCausalLM"/>, by full module name
/// (<c>model.layers.3.mlp.up_proj</c>). Owns the adapters and their <see cref="AdapterContext"/>; the base model stays
/// the caller's. <see cref="Apply"/> freezes the base, so only adapter parameters train. Adapter checkpoints hold
/// only adapter tensors, named <c>{module}.{adapter parameter}</c> (e.g. <c>model.layers.0.mlp.gate_proj.W_final</c>).
/// </summary>
public sealed class ModelAdapters : IDisposable
{
    private readonly List<(string Name, IAdaptableProjections Block, string Projection, LinearAdapter Adapter)> _attached = [];

    private ModelAdapters(IAdapterSettings settings)
    {
        Settings = settings;
    }

    public IAdapterSettings Settings { get; }

    /// <summary>Token mask and auxiliary losses shared by every adapter of the model.</summary>
    public AdapterContext Context { get; } = new();

    /// <summary>Full module names of the adapted projections, in model order.</summary>
    public IReadOnlyList<string> ModuleNames => _attached.Select(a => a.Name).ToList();

    /// <summary>The adapter of a module (<c>model.layers.0.mlp.gate_proj</c>).</summary>
    public LinearAdapter this[string moduleName] => _attached.Single(a => a.Name == moduleName).Adapter;

    /// <summary>
    /// Freezes <paramref name="model"/> and attaches a new adapter to every targeted projection. Adapter
    /// <c>i</c> (in model order) is seeded with <c>seed + i</c>.
    /// </summary>
    public static ModelAdapters Apply(LlamaForCausalLM model, IAdapterSettings settings, AdapterTargets targets, ulong seed)
    {
        var adapters = new ModelAdapters(settings);
        foreach (var parameter in model.parameters())
        {
            parameter.requires_grad = false;
        }
        var device = model.parameters().First().device;
        ulong index = 0;
        foreach (var (name, module) in model.named_modules())
        {
            if (module is not IAdaptableProjections block)
            {
                continue;
            }
            foreach (var projection in targets.Projections.Where(block.ProjectionNames.Contains))
            {
                var (inFeatures, outFeatures) = block.ProjectionShape(projection);
                var adapter = settings.Create(inFeatures, outFeatures, seed + index++);
                adapter.to(device);
                adapter.Context = adapters.Context;
                block.Attach(projection, adapter);
                adapters._attached.Add(($"{name}.{projection}", block, projection, adapter));
            }
        }
        if (adapters._attached.Count == 0)
        {
            throw new ArgumentException($"no projection of the model is named {string.Join(", ", targets.Projections)}", nameof(targets));
        }
        return adapters;
    }

    /// <summary>Every adapter parameter (for the optimizer), in a fixed order.</summary>
    public IReadOnlyList<Parameter> Parameters() => _attached.SelectMany(a => a.Adapter.parameters()).ToList();

    /// <summary>Adapter parameters by checkpoint name.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters() =>
        _attached.SelectMany(a => a.Adapter.named_parameters().Select(p => ($"{a.Name}.{p.name}", p.parameter))).ToList();

    /// <summary>The exact number of trainable adapter parameters.</summary>
    public long TrainableParameterCount() => Parameters().Sum(p => p.numel());

    /// <summary>Makes every adapter draw its gate noise from <paramref name="generator"/> (owned by the caller).</summary>
    public void UseNoiseGenerator(Generator? generator)
    {
        foreach (var a in _attached)
        {
            a.Adapter.NoiseGenerator = generator;
        }
    }

    public void Train()
    {
        foreach (var a in _attached)
        {
            a.Adapter.train();
        }
    }

    public void Eval()
    {
        foreach (var a in _attached)
        {
            a.Adapter.eval();
        }
    }

    /// <summary>
    /// Logits <c>[B, T, vocab]</c> of the adapted model for right-padded <paramref name="inputIds"/> under the causal mask,
    /// with the sum of the adapters' auxiliary losses (null when none has one). <paramref name="tokenMask"/> <c>[B, T]</c>
    /// marks real tokens for the balance statistics.
    /// </summary>
    public (Tensor Logits, Tensor? AuxiliaryLoss) Forward(LlamaForCausalLM model, Tensor inputIds, Tensor? tokenMask)
    {
        Context.Clear();
        Context.TokenMask = tokenMask;
        try
        {
            var logits = model.call(inputIds, null);
            return (logits, Context.TakeAuxiliaryLoss());
        }
        finally
        {
            Context.TokenMask = null;
        }
    }

    /// <summary>
    /// The adapter layout: every checkpoint name with its shape, in <see cref="NamedParameters"/> order (two sets of
    /// adapters can exchange <see cref="ExportWeights"/> exactly when their layouts are equal).
    /// </summary>
    public string Layout() => string.Join(";", NamedParameters().Select(p => $"{p.Name}[{string.Join(',', p.Parameter.shape)}]"));

    /// <summary>Every adapter parameter flattened into one float32 vector, in <see cref="NamedParameters"/> order.</summary>
    public ModelWeights ExportWeights()
    {
        using var scope = NewDisposeScope();
        var flat = cat(NamedParameters().Select(p => p.Parameter.detach().flatten()).ToList(), 0).cpu();
        return new ModelWeights(flat.data<float>().ToArray());
    }

    /// <summary>Copies a vector written by <see cref="ExportWeights"/> (of the same layout) into the adapters.</summary>
    public void ImportWeights(ModelWeights weights)
    {
        var named = NamedParameters();
        long expected = named.Sum(p => p.Parameter.numel());
        if (weights.Length != expected)
        {
            throw new ArgumentException($"{weights.Length} adapter weights given; these adapters have {expected}");
        }
        using var noGrad = no_grad();
        int offset = 0;
        foreach (var (_, parameter) in named)
        {
            int count = (int)parameter.numel();
            using var values = tensor(weights.Values.AsSpan(offset, count).ToArray(), parameter.shape);
            parameter.copy_(values);
            offset += count;
        }
    }

    /// <summary>Writes only the adapter tensors (float32 safetensors) with the adapter description as metadata.</summary>
    public void Save(string path)
    {
        using var scope = NewDisposeScope();
        var tensors = NamedParameters().Select(p => (p.Name, p.Parameter.detach().cpu())).ToList();
        SafetensorsWriter.Write(path, tensors, SafetensorsDType.F32, new Dictionary<string, string> { ["adapter"] = Settings.Describe() });
    }

    /// <summary>Reads adapter tensors written by <see cref="Save"/>; every name and shape must match these adapters.</summary>
    public void Load(string path)
    {
        var file = SafetensorsFile.Open(path);
        var named = NamedParameters();
        var expected = named.Select(p => p.Name).ToHashSet();
        var extra = file.Entries.Keys.Where(k => !expected.Contains(k)).ToList();
        if (extra.Count > 0)
        {
            throw new CheckpointException(path, $"tensors that these adapters do not have: {string.Join(", ", extra.Take(5))}");
        }
        using var noGrad = no_grad();
        foreach (var (name, parameter) in named)
        {
            if (!file.Entries.TryGetValue(name, out var entry))
            {
                throw new CheckpointException(path, $"missing adapter tensor {name}");
            }
            if (!entry.Shape.SequenceEqual(parameter.shape))
            {
                throw new CheckpointException(path, $"{name} has shape [{string.Join(", ", entry.Shape)}], the adapter [{string.Join(", ", parameter.shape)}]");
            }
            using var values = tensor(file.ReadFloats(name), parameter.shape);
            parameter.copy_(values);
        }
    }

    /// <summary>Detaches every adapter from the model and disposes it.</summary>
    public void Dispose()
    {
        foreach (var (_, block, projection, adapter) in _attached)
        {
            block.Detach(projection);
            adapter.Dispose();
        }
        _attached.Clear();
        Context.Dispose();
    }
}
