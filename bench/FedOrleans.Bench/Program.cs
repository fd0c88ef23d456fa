using FedOrleans.Bench;

// Benchmarks (never run by the test suite). Results and the exact commands: docs/benchmarks.md.
//   dotnet run --project bench/FedOrleans.Bench -c Release -- b1 [--repeats 3]
//   dotnet run --project bench/FedOrleans.Bench -c Release -- b4 [--sizes 10,100,1000,10000]
//   dotnet run --project bench/FedOrleans.Bench -c Release -- cohort [--sizes 5,10,50] [--repeats 3] [--models logistic,mlp,cnn,fedmm]
//   dotnet run --project bench/FedOrleans.Bench -c Release -- gemm [--repeats 3]   (beside /usr/bin/python3 bench/baselines/gemm.py)
//   dotnet run --project bench/FedOrleans.Bench -c Release -- memory [--runs b1,quickstart,noop,fits] [--rounds 1000] [--clients 60000] [--idle-minutes 7] [--csv-dir DIR]
//   dotnet run --project bench/FedOrleans.Bench -c Release -- smore [--task synthetic|spam|sotu|brown] [--seeds 1,2,3] (docs/results/smore.md)
//   dotnet run --project bench/FedOrleans.Bench -c Release -- tuning [--objective fedavg-lr-epochs|asfgnn] [--seeds 5] [--trials 40] [--noise-repeats 10] [--optimizers bayesian,random] [--seed-from 1] [--fresh-seeds 3] [--reference 0.1,10] [--out FOLDER] (docs/results/asfgnn.md)
//   dotnet run --project bench/FedOrleans.Bench -c Release -- gem --base CHECKPOINT --out FOLDER [--ntp-steps 100] [--steps 200] (docs/results/gem.md)
var command = args.FirstOrDefault();
if (command == "smore")
{
    return await SmoreComparison.RunAsync(args.Skip(1).ToArray());
}
if (command == "memory")
{
    return await MemoryGrowth.RunAsync(args.Skip(1).ToArray());
}
if (command == "tuning")
{
    return TuningPower.Run(args.Skip(1).ToArray());
}
if (command == "gem")
{
    return GemFinetune.Run(args.Skip(1).ToArray());
}
var options = BenchOptions.Parse(args.Skip(1).ToArray());
return command switch
{
    "b1" => await FluteLrMnist.RunAsync(options),
    "b4" => await ClientOverhead.RunAsync(options),
    "determinism" => await FitDeterminism.RunAsync(options),
    "cohort" => await CohortFits.RunAsync(options),
    "gemm" => await GemmRate.RunAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: FedOrleans.Bench b1|b4|memory|determinism|cohort|gemm|smore|gem|tuning [--repeats N] [--sizes 10,100,1000,10000] [--out FILE]");
    return 2;
}
