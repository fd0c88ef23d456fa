using FedOrleans.Models.Data;
using FedOrleans.Models.Data.Partitioning;
using FedOrleans.Models.Federated;
using FedOrleans.Models.Nn;
using FedOrleans.Models.Training.Cohorts;
using TorchSharp;
using static TorchSharp.torch;

namespace FedOrleans.Models.Training;

/// <summary>
/// Image classification, and federated domain adaptation on images: clients hold index shards of a shared labelled
/// dataset (<see cref="FederationLayout"/>); under adaptation the clients after the source ones hold the target
/// domain's training images unlabelled and every client runs the minimax trainer. The server evaluates the global
/// model on the test set (the target domain's under adaptation).
/// </summary>
public sealed class ImageWorkload : ICohortWorkload, ISplitEvaluation
{
    private readonly ModelSpec _model;
    private readonly DatasetSplits _source;
    private readonly DatasetSplits? _target;
    private readonly FederationLayout _layout;
    private readonly ILocalTrainer _trainer;
    private readonly int _evaluateSamples;
    private readonly Device? _device;

    /// <param name="model">The model every client trains.</param>
    /// <param name="trainer">Supervised, or no training at all (<see cref="TrainerKind.NoOp"/>: the framework's own overhead).</param>
    /// <param name="source">The (labelled) source dataset.</param>
    /// <param name="target">The target domain under adaptation, else null: then clients run the minimax trainer.</param>
    /// <param name="layout">Which samples each client holds.</param>
    /// <param name="execution">Whether a silo trains a round's fits as cohorts (supervised and minimax trainers).</param>
    /// <param name="evaluateSamples">Evaluate on the first this many test samples (0: all).</param>
    /// <param name="device">Where training and evaluation run (the CPU when null).</param>
    public ImageWorkload(ModelSpec model, TrainerKind trainer, DatasetSplits source, DatasetSplits? target, FederationLayout layout,
        ExecutionMode execution = ExecutionMode.Auto, int evaluateSamples = 0, Device? device = null)
    {
        _device = device;
        _model = model;
        _source = source;
        _target = target;
        _layout = layout;
        _evaluateSamples = evaluateSamples;
        var test = Test;
        Shape = new InputShape(Math.Max(source.Train.Channels, test.Channels), test.Height, test.Width, test.NumClasses);
        _trainer = trainer == TrainerKind.NoOp ? new NoOpTrainer()
            : target is not null ? new MinimaxTrainer(model, Shape, device)
            : new SupervisedTrainer(model, Shape, device);
        if (UsesCohorts(execution, model, device))
        {
            CohortTrainer = _trainer switch
            {
                SupervisedTrainer when CohortSupervisedTrainer.Supports(model) => new CohortSupervisedTrainer(model, Shape, device),
                MinimaxTrainer when CohortMinimaxTrainer.Supports(model) => new CohortMinimaxTrainer(model, Shape, device),
                _ => null,
            };
        }
        Description = $"{model} on {source.Train.Name}{(target is null ? "" : " -> " + target.Train.Name)}";
    }

    public string Description { get; }

    /// <summary>
    /// Whether a supervised model trains in cohorts: asked for, or <c>auto</c> where cohorts were measured faster: on a GPU,
    /// and on a CPU for the models whose cohort fits take closed-form gradients (logistic regression, an MLP without
    /// dropout); the CNN's and a dropout MLP's cohort fits run autograd and are slower than single fits on a CPU.
    /// </summary>
    public static bool UsesCohorts(ExecutionMode execution, ModelSpec model, Device? device) => execution switch
    {
        ExecutionMode.Cohort => true,
        ExecutionMode.Single => false,
        _ => device?.type == DeviceType.CUDA || CohortSupervisedTrainer.TakesClosedFormGradients(model),
    };

    public int Clients => _layout.Clients;

    /// <summary>Only FedMM's minimax fits keep state between rounds (the duals); supervised fits and GDA/ProxGDA keep none.</summary>
    public bool UsesPrivateState(FitInstructions instructions) => instructions.Minimax?.KeepsDuals == true;

    public EvaluationSite EvaluationSite => EvaluationSite.Server;

    /// <summary>The model's input shape (3 channels when a grey source meets a colour target).</summary>
    public InputShape Shape { get; }

    public ICohortTrainer? CohortTrainer { get; }

    /// <summary>Where accuracy is measured: the target domain's test set under adaptation.</summary>
    private Dataset Test => (_target ?? _source).Test;

    public ModelWeights InitialGlobal(ulong seed) => new(ModelFactory.InitialWeights(_model, Shape, seed));

    public ClientDescription DescribeClient(int client)
    {
        var (_, indices, unlabelled) = _layout.Client(client);
        return new ClientDescription(indices.Length, unlabelled);
    }

    public FitOutcome Fit(int client, ModelWeights global, FitInstructions instructions, float[]? privateState, CancellationToken ct) =>
        _trainer.Fit(global, instructions, Shard(client, privateState), ct);

    public CohortMember CohortMember(int client, ModelWeights global, FitInstructions instructions, float[]? privateState) =>
        new(global, instructions, Shard(client, privateState));

    public EvaluationResult EvaluateGlobal(ModelWeights global, CancellationToken ct) =>
        ModelEvaluator.Evaluate(_model, Shape, global, Test, ct, limit: _evaluateSamples, device: _device);

    public ModelEvaluator.EvaluationPart EvaluateGlobalPart(ModelWeights global, int part, int parts, CancellationToken ct) =>
        ModelEvaluator.EvaluatePart(_model, Shape, global, Test, part, parts, ct, limit: _evaluateSamples, device: _device);

    public void PrepareEvaluation() => ModelEvaluator.PrepareEvaluation(Test, Shape.Channels, _evaluateSamples, _device);

    public ClientEvaluationResult EvaluateClient(int client, ModelWeights global, float[]? privateState, CancellationToken ct) =>
        throw new NotSupportedException("an image experiment's server evaluates the global model on the test set");

    public string ClientsCsv() => _layout.ToCsv(_source.Train.Labels, _target?.Train.Labels, _source.Train.NumClasses);

    public string PartitionSummary()
    {
        var clients = Enumerable.Range(0, Clients).Select(DescribeClient).ToArray();
        double skew = _layout.Source.LabelSkew(_source.Train.Labels, _source.Train.NumClasses);
        return PartitionSummaries.ClientSizes(clients.Select(c => c.Samples), "samples")
            + FormattableString.Invariant($", label skew of the source clients (mean TV distance) {skew:F3}, unlabelled {clients.Count(c => c.Unlabelled)}");
    }

    private ClientShard Shard(int client, float[]? privateState)
    {
        var (targetDomain, indices, unlabelled) = _layout.Client(client);
        return new ClientShard(targetDomain ? _target!.Train : _source.Train, indices, unlabelled, privateState);
    }
}
