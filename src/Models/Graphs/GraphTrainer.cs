using FedOrleans.Models.Federated;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Torch;
using FedOrleans.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Graphs;

/// <summary>
/// Full-batch training of a <see cref="GraphNet"/> on a client's subgraph, for the four graph methods.
/// Cross-entropy on the shard's training nodes; Adam or SGD (<see cref="LocalOptimizer"/>); weight decay on θ
/// only (Kipf and Welling decay the first layer only). The private state is the client's whole model (θ then φ_c).
/// <para>
/// ASFGNN (<see cref="GraphTrainerMode.Separated"/>, papers.md 4.4) per round, given the global φ̄:
/// (1) when the client has trained before, the second update of the previous round, now that φ̄ is known:
/// <see cref="AsfgnnSettings.SecondSteps"/> steps on φ_c of CE(φ_c(H)[train]) + ρ·JS(softmax φ_c(H) ‖ softmax φ̄(H))
/// over the client's owned nodes, H = MP_θc(X) without dropout and held fixed; (2) mixing φ_c ← (1 - β) φ_c + β φ̄;
/// (3) <c>epochs</c> joint steps on θ_c and φ_c; (4) upload φ_c, weighted by the number of labelled nodes.
/// Evaluation applies the pending second update with the final φ̄ and predicts with φ_c(MP_θc(X)), the personalised model.
/// A client's first θ_c is drawn from its first fit seed, its first φ_c is φ̄.
/// </para>
/// </summary>
/// <param name="device">Where the model and the shard live (the CPU when null).</param>
public sealed class GraphTrainer(GnnSpec model, GraphTrainerMode mode, AsfgnnSettings? asfgnn = null, Device? device = null)
{
    private readonly Device _device = device ?? CPU;

    private readonly AsfgnnSettings _asfgnn = asfgnn ?? new AsfgnnSettings();

    public GraphTrainerMode Mode => mode;

    /// <summary>The network every client trains.</summary>
    public GnnSpec Model => model;

    /// <summary>Length of the global weight vector: φ for ASFGNN, the whole model otherwise.</summary>
    public int GlobalLength(int features, int classes)
    {
        TorchRuntime.EnsureThreadConfigured();
        using var net = new GraphNet(model, features, classes);
        return mode == GraphTrainerMode.Separated ? net.PhiCount : net.ThetaCount + net.PhiCount;
    }

    /// <summary>The seeded initial global weights (φ only for ASFGNN).</summary>
    public ModelWeights InitialGlobal(int features, int classes, ulong seed)
    {
        var all = GraphNet.InitialWeights(model, features, classes, seed);
        return new ModelWeights(mode == GraphTrainerMode.Separated ? all[(all.Length - GlobalLength(features, classes))..] : all);
    }

    public FitOutcome Fit(ModelWeights global, FitInstructions instructions, GraphShard shard, float[]? privateState, CancellationToken ct)
    {
        TorchRuntime.EnsureThreadConfigured();
        var s = instructions.Settings;
        var graph = shard.Graph;
        using var scope = NewDisposeScope();
        using var net = new GraphNet(model, graph.FeatureCount, graph.NumClasses);
        net.to(_device);
        Load(net, global, privateState, instructions.Seed);
        var data = ShardTensors.Create(shard, model.Kind, _device);
        using var generator = new Generator(instructions.Seed);
        if (mode == GraphTrainerMode.Separated)
        {
            if (privateState is not null)
            {
                SecondUpdate(net, global, data, s, ct);
            }
            Mix(net, global);
        }
        double lossSum = 0;
        int epochs = 0;
        if (shard.Train.Length > 0)
        {
            using var thetaOptimizer = new LocalOptimizer(net.Theta, s);
            using var phiOptimizer = new LocalOptimizer(net.Phi, s with { WeightDecay = 0 });
            net.train();
            for (int epoch = 0; epoch < s.Epochs; epoch++)
            {
                ct.ThrowIfCancellationRequested();
                using var stepScope = NewDisposeScope();
                var logits = net.Classify(net.Embed(data.Features, data.Propagation, generator));
                var loss = nn.functional.cross_entropy(logits.index_select(0, data.Train), data.Labels.index_select(0, data.Train));
                lossSum += loss.item<float>();
                epochs++;
                thetaOptimizer.ZeroGrad();
                phiOptimizer.ZeroGrad();
                loss.backward();
                thetaOptimizer.Step();
                phiOptimizer.Step();
            }
        }
        var all = ParameterVector.Read(net);
        var upload = mode switch
        {
            GraphTrainerMode.Shared => all,
            GraphTrainerMode.Separated => ParameterVector.Flatten(net.Phi),
            _ => global.Values,
        };
        return new FitOutcome(new ModelWeights(upload), shard.Train.Length, epochs == 0 ? double.NaN : lossSum / epochs,
            mode == GraphTrainerMode.Shared ? null : all);
    }

    /// <summary>Accuracy on the shard's owned validation and test nodes: the global model, or the client's own (local-only, ASFGNN).</summary>
    public ClientEvaluationResult Evaluate(ModelWeights global, GraphShard shard, float[]? privateState, TrainerSettings settings, CancellationToken ct = default)
    {
        TorchRuntime.EnsureThreadConfigured();
        var graph = shard.Graph;
        using var scope = NewDisposeScope();
        using var net = new GraphNet(model, graph.FeatureCount, graph.NumClasses);
        net.to(_device);
        Load(net, global, privateState, 0);
        var data = ShardTensors.Create(shard, model.Kind, _device);
        if (mode == GraphTrainerMode.Separated && privateState is not null)
        {
            SecondUpdate(net, global, data, settings, ct);
        }
        net.eval();
        using var noGrad = no_grad();
        var logits = net.Classify(net.Embed(data.Features, data.Propagation, null));
        var predictions = logits.argmax(1);
        int Correct(Tensor idx) => idx.shape[0] == 0 ? 0 : (int)predictions.index_select(0, idx).eq(data.Labels.index_select(0, idx)).sum().item<long>();
        double testLoss = shard.Test.Length == 0 ? 0
            : nn.functional.cross_entropy(logits.index_select(0, data.Test), data.Labels.index_select(0, data.Test), reduction: nn.Reduction.Sum).item<float>();
        return new ClientEvaluationResult(Correct(data.Validation), shard.Validation.Length, Correct(data.Test), shard.Test.Length, testLoss);
    }

    private void Load(GraphNet net, ModelWeights global, float[]? privateState, ulong seed)
    {
        int total = net.ThetaCount + net.PhiCount;
        switch (mode)
        {
            case GraphTrainerMode.Shared:
                ParameterVector.Write(net, global.Values);
                break;
            case GraphTrainerMode.Private:
                ParameterVector.Write(net, privateState ?? global.Values);
                break;
            default:
                if (privateState is not null)
                {
                    ParameterVector.Write(net, privateState);
                    break;
                }
                var fresh = GraphNet.InitialWeights(model, (int)net.Theta[0].shape[1], (int)net.Phi[1].shape[0], seed);
                global.Values.CopyTo(fresh, net.ThetaCount);
                if (fresh.Length != total)
                {
                    throw new ArgumentException($"a private model of {fresh.Length} values does not fit {total} parameters");
                }
                ParameterVector.Write(net, fresh);
                break;
        }
    }

    /// <summary>φ_c ← (1 - β) φ_c + β φ̄, in place.</summary>
    private void Mix(GraphNet net, ModelWeights global)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var keep = (1 - _asfgnn.Beta).ToScalar();
        using var take = _asfgnn.Beta.ToScalar();
        var target = ParameterVector.Split(global.Values, net.Phi);
        for (int i = 0; i < net.Phi.Count; i++)
        {
            net.Phi[i].mul_(keep).add_(target[i], alpha: take);
        }
    }

    /// <summary>ASFGNN's second update of φ_c against the global φ̄ (see the class summary).</summary>
    private void SecondUpdate(GraphNet net, ModelWeights global, ShardTensors data, TrainerSettings settings, CancellationToken ct)
    {
        if (_asfgnn.SecondSteps <= 0)
        {
            return;
        }
        using var scope = NewDisposeScope();
        Tensor embedding, reference;
        net.eval();
        using (no_grad())
        {
            embedding = net.Embed(data.Features, data.Propagation, null).detach();
            var phiBar = ParameterVector.Split(global.Values, net.Phi);
            reference = nn.functional.softmax(nn.functional.linear(embedding, phiBar[0], phiBar[1]), 1);
        }
        using var rho = _asfgnn.Rho.ToScalar();
        using var half = 0.5.ToScalar();
        using var optimizer = new LocalOptimizer(net.Phi, settings with { WeightDecay = 0 });
        for (int step = 0; step < _asfgnn.SecondSteps; step++)
        {
            ct.ThrowIfCancellationRequested();
            using var stepScope = NewDisposeScope();
            var logits = net.Classify(embedding.index_select(0, data.Owned));
            var p = nn.functional.softmax(logits, 1);
            var q = reference.index_select(0, data.Owned);
            var loss = JensenShannon(p, q, half).mul(rho);
            if (data.TrainOwned.shape[0] > 0)
            {
                loss = loss.add(nn.functional.cross_entropy(logits.index_select(0, data.TrainOwned), data.Labels.index_select(0, data.Train)), alpha: TorchScalars.One);
            }
            optimizer.ZeroGrad();
            loss.backward();
            optimizer.Step();
        }
    }

    /// <summary>Mean over rows of JS(p ‖ q) = ½ KL(p ‖ m) + ½ KL(q ‖ m), m = (p + q) / 2, natural log.</summary>
    internal static Tensor JensenShannon(Tensor p, Tensor q, Scalar half)
    {
        using var tiny = 1e-12.ToScalar();
        var m = p.add(q, alpha: TorchScalars.One).mul(half);
        var logM = m.clamp_min(tiny).log();
        var klP = p.mul(p.clamp_min(tiny).log().sub(logM)).sum(1);
        var klQ = q.mul(q.clamp_min(tiny).log().sub(logM)).sum(1);
        return klP.add(klQ, alpha: TorchScalars.One).mul(half).mean();
    }
}
