using FedOrleans.Contracts;
using FedOrleans.Grains.Training;
using Orleans.Runtime;

namespace FedOrleans.Grains.Jobs;

/// <summary>Inference on any silo.</summary>
[GrainType(FedOrleansNames.InferenceGrainType)]
public sealed class InferenceGrain(TrainingGate gate, ILocalSiloDetails silo) : InferenceGrainBase(gate, silo);
