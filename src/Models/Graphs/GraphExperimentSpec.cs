using FedOrleans.Models.Nn;
using FedOrleans.Models.Training;

namespace FedOrleans.Models.Graphs;

/// <summary>
/// One graph experiment: the graph, its federation, the method, the model and the local training settings
/// (<see cref="TrainerSettings.Epochs"/> full-batch epochs per round). Every random choice follows from <see cref="Seed"/>.
/// </summary>
public sealed record GraphExperimentSpec(
    string Name,
    ulong Seed,
    int Rounds,
    GraphDataSpec Data,
    GraphFederationSpec Federation,
    GraphMethod Method,
    GnnSpec Model,
    TrainerSettings Train,
    AsfgnnSettings Asfgnn,
    int EvaluateEvery = 1);
