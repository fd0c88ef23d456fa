#!/usr/bin/python3
"""Hand-written PyTorch FedAvg on MNIST: the yardstick FedOrleans is measured against (bench/compare.sh).

Workloads (settings as in experiments/*.yaml):
  b1          flute-lr-mnist.yaml: logistic 784->10, 1000 IID clients of 60, 10 a round, 100 rounds,
              1 epoch, batch 10, SGD lr 0.03, test every 10 rounds.
  quickstart  quickstart.yaml: MLP 784-200-200-10, 100 clients with the sizes and class histograms of a
              FedOrleans run's clients.csv (Dirichlet 0.5), 10 a round, 100 rounds, 2 epochs, batch 32,
              SGD lr 0.05 momentum 0.5, test every round.
Modes:
  sequential  the round's clients one after another through one nn.Module and torch.optim.SGD.
  batched     the round's K clients as one model: stacked weights [K, in, out], torch.bmm, per-client
              SGD with momentum. Unequal shards: clients that have run out of batches drop out of the
              batch and a short last batch is masked in the loss, so each client takes exactly its own
              steps and batch sizes (same shuffles as sequential: the same result up to rounding).
Inputs are pixels / 255 (no normalisation), as FedOrleans' Dataset.CopySample; weights start uniform in
+-1/sqrt(fan_in) with zero biases, as FedOrleans' ModelFactory.InitialWeights. FedAvg weights clients
by sample count. The last line: rounds_seconds=X final_test_accuracy=Y script_seconds=Z.
Run with Debian's python3-torch (apt-get install python3-torch libopenblas0-pthread).
"""
import time
START = time.time()
import argparse, csv, os, sys

WORKLOADS = {
    "b1": dict(clients=1000, per_round=10, rounds=100, epochs=1, batch=10, lr=0.03, momentum=0.0,
               hidden=[], eval_every=10, seed=1),
    "quickstart": dict(clients=100, per_round=10, rounds=100, epochs=2, batch=32, lr=0.05, momentum=0.5,
                       hidden=[200, 200], eval_every=1, seed=42),
}
p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
p.add_argument("--workload", choices=WORKLOADS, default="b1")
p.add_argument("--mode", choices=["sequential", "batched"], default="sequential")
p.add_argument("--threads", type=int, default=1, help="torch (and OpenBLAS/OpenMP) threads (default 1)")
p.add_argument("--data", default=os.environ.get("FEDORLEANS_DATA") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "fedorleans"),
    help="data folder holding mnist/ (default: $FEDORLEANS_DATA, else ~/.cache/fedorleans)")
p.add_argument("--clients-csv", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "quickstart-clients.csv"),
               help="quickstart: per-client sample counts and class histograms (a FedOrleans clients.csv)")
p.add_argument("--rounds", type=int, help="override the workload's rounds")
p.add_argument("--device", default="cpu", help="cpu or cuda (data, weights and training on it; shuffles drawn on the CPU)")
args = p.parse_args()
cfg = dict(WORKLOADS[args.workload])
if args.rounds:
    cfg["rounds"] = args.rounds
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = str(args.threads)   # before torch loads its BLAS

import numpy as np
try:
    import torch
    import torch.nn.functional as F
except ImportError:
    sys.exit("fedavg.py: no torch; install Debian's: apt-get install -y python3-torch libopenblas0-pthread")
torch.set_num_threads(args.threads)
if args.device == "cuda" and not torch.cuda.is_available():
    sys.exit("fedavg.py: --device cuda, but this torch sees no CUDA device")
dev = torch.device(args.device)


def idx(name, header):
    path = os.path.join(args.data, "mnist", name)
    if not os.path.exists(path):
        sys.exit(f"fedavg.py: {path} missing (fetch MNIST with `fedorleans data fetch mnist`, or pass --data)")
    return np.fromfile(path, dtype=np.uint8, offset=header)


X = torch.from_numpy(idx("train-images-idx3-ubyte", 16).astype(np.float32) / 255).view(-1, 784)
Y = torch.from_numpy(idx("train-labels-idx1-ubyte", 8).astype(np.int64))
Xt = torch.from_numpy(idx("t10k-images-idx3-ubyte", 16).astype(np.float32) / 255).view(-1, 784)
Yt = torch.from_numpy(idx("t10k-labels-idx1-ubyte", 8).astype(np.int64))
labels = Y.numpy()                                         # the partition reads the labels on the host
X, Y, Xt, Yt = X.to(dev), Y.to(dev), Xt.to(dev), Yt.to(dev)

# Partition: the same shard sizes as FedOrleans (IID 60 each; the quickstart's from its clients.csv).
rng = np.random.default_rng(cfg["seed"])
if args.workload == "b1":
    shards = list(rng.permutation(len(Y)).reshape(cfg["clients"], -1))
else:
    with open(args.clients_csv) as f:
        rows = list(csv.DictReader(f))
    pools = [list(rng.permutation(np.flatnonzero(labels == c))) for c in range(10)]
    shards = []
    for r in rows:
        take = [pools[c][:int(r[f"class_{c}"])] for c in range(10)]
        for c in range(10):
            if len(take[c]) < int(r[f"class_{c}"]):
                sys.exit(f"fedavg.py: {args.clients_csv} asks for more class-{c} samples than MNIST has")
            pools[c] = pools[c][int(r[f"class_{c}"]):]
        shards.append(np.concatenate(take).astype(np.int64))
    assert len(shards) == cfg["clients"], f"{args.clients_csv}: {len(shards)} clients, expected {cfg['clients']}"
shards = [torch.from_numpy(s) for s in shards]

torch.manual_seed(cfg["seed"])
sizes = [784] + cfg["hidden"] + [10]
# Global parameters in nn.Linear layout: weight [out, in] uniform +-1/sqrt(in), bias 0.
glob = []
for i, o in zip(sizes, sizes[1:]):
    glob += [torch.empty(o, i).uniform_(-i ** -0.5, i ** -0.5).to(dev), torch.zeros(o, device=dev)]
layers = []
for i, o in zip(sizes, sizes[1:]):
    layers += [torch.nn.Linear(i, o), torch.nn.ReLU()]
model = torch.nn.Sequential(*layers[:-1]).to(dev)
gen = torch.Generator().manual_seed(cfg["seed"])


def fit_sequential(chosen):
    """Each client: load the global weights, train, return (weights, n)."""
    out = []
    for k in chosen:
        shard = shards[k]
        with torch.no_grad():
            for p, g in zip(model.parameters(), glob):
                p.copy_(g)
        opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"], momentum=cfg["momentum"])
        for _ in range(cfg["epochs"]):
            order = shard[torch.randperm(len(shard), generator=gen)].to(dev)
            for s in range(0, len(order), cfg["batch"]):
                b = order[s:s + cfg["batch"]]
                opt.zero_grad()
                F.cross_entropy(model(X[b]), Y[b]).backward()
                opt.step()
        out.append(([p.detach().clone() for p in model.parameters()], len(shard)))
    return out


def fit_batched(chosen):
    """The K clients as one model: weights [K, in, out], bmm, per-client SGD. Clients are sorted by step
    count, so the clients still training at step t are a prefix [:a]; the others are simply left out."""
    K, B = len(chosen), cfg["batch"]
    plans = []   # each client's batches, epoch after epoch, exactly as it would run alone
    for k in chosen:
        shard = shards[k]
        plan = []
        for _ in range(cfg["epochs"]):
            order = shard[torch.randperm(len(shard), generator=gen)]
            plan += [order[s:s + B] for s in range(0, len(order), B)]
        plans.append(plan)
    rank = sorted(range(K), key=lambda j: -len(plans[j]))   # most steps first
    steps = len(plans[rank[0]])
    index = torch.zeros(steps, K, B, dtype=torch.int64)
    mask = torch.zeros(steps, K, B)
    for i, j in enumerate(rank):
        for t, b in enumerate(plans[j]):
            index[t, i, :len(b)] = b
            mask[t, i, :len(b)] = 1
    counts = mask.sum(2)                                    # [steps, K] batch size of each client
    active = (counts > 0).sum(1).tolist()                   # clients still training at each step
    full = [(counts[t, :active[t]] == B).all().item() for t in range(steps)]
    index, mask, counts = index.to(dev), mask.to(dev), counts.to(dev)   # planned on the host, sent once
    params = [(g.t() if g.dim() == 2 else g.unsqueeze(0)).unsqueeze(0).repeat(K, 1, 1)
              for g in glob]                                # [K, in, out] and [K, 1, out]
    bufs = [torch.zeros_like(q) for q in params]
    for t in range(steps):
        a = active[t]
        ps = [q[:a].detach().requires_grad_() for q in params]   # views: updates land in params
        h = X[index[t, :a]]                                 # [a, B, 784]
        for l in range(0, len(ps), 2):
            h = torch.baddbmm(ps[l + 1], h, ps[l])
            if l + 2 < len(ps):
                h = torch.relu(h)
        ce = F.cross_entropy(h.reshape(a * B, -1), Y[index[t, :a]].reshape(-1), reduction="none").view(a, B)
        loss = ce.sum() / B if full[t] else ((ce * mask[t, :a]).sum(1) / counts[t, :a]).sum()
        grads = torch.autograd.grad(loss, ps)               # client i's gradient is its own loss's
        with torch.no_grad():
            for p, g, buf in zip(ps, grads, bufs):
                if cfg["momentum"]:
                    g = buf[:a].mul_(cfg["momentum"]).add_(g)
                p.sub_(g, alpha=cfg["lr"])
    out = [None] * K
    for i, j in enumerate(rank):
        ws = [params[l][i].t() if glob[l].dim() == 2 else params[l][i, 0] for l in range(len(params))]
        out[j] = (ws, len(shards[chosen[j]]))
    return out


def accuracy():
    with torch.no_grad():
        h = Xt
        for l in range(0, len(glob), 2):
            h = F.linear(h, glob[l], glob[l + 1])
            if l + 2 < len(glob):
                h = torch.relu(h)
        return (h.argmax(1) == Yt).float().mean().item()


fit = fit_sequential if args.mode == "sequential" else fit_batched
times, acc = [], float("nan")
rounds_start = time.time()
for r in range(1, cfg["rounds"] + 1):
    t0 = time.time()
    chosen = rng.choice(cfg["clients"], cfg["per_round"], replace=False)
    results = fit(chosen)
    total = sum(n for _, n in results)
    glob = [sum(ws[i] * (n / total) for ws, n in results) for i in range(len(glob))]
    if r % cfg["eval_every"] == 0 or r == cfg["rounds"]:
        acc = accuracy()
    times.append(time.time() - t0)
    if r % 10 == 0 or r == cfg["rounds"]:
        print(f"round {r}/{cfg['rounds']} test_accuracy {acc:.4f} round_s {times[-1]:.3f}", flush=True)
if dev.type == "cuda":
    torch.cuda.synchronize()
rounds_seconds = time.time() - rounds_start
ts = sorted(times)
print(f"{args.workload} {args.mode} {args.device} threads={args.threads} torch {torch.__version__}: per-round seconds "
      f"min {ts[0]:.4f} median {ts[len(ts) // 2]:.4f} max {ts[-1]:.4f}; "
      f"start-up (imports, data, partition) {rounds_start - START:.2f} s")
print(f"rounds_seconds={rounds_seconds:.3f} final_test_accuracy={acc:.4f} script_seconds={time.time() - START:.3f}")
