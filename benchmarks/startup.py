"""Start-up cost: a fresh process that imports the library and fits a
1,000-window model (T=29, 1 feature, 32 units, 10 epochs, batch 64).

rnnforecast is timed with an empty Numba cache (cold: every kernel
compiles; the compile time of each kernel is listed, inclusive of the
kernels it calls) and with the cache that run left behind (warm); torch
(``nn.RNN`` + ``nn.Linear``, same loop) is timed the same way for
reference. Each figure is the median of ``--repeats`` fresh processes.

    python benchmarks/startup.py [--cell SimpleRNN|LSTM|GRU]
"""

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import json, sys, time
started = time.perf_counter()
contender, cell = sys.argv[1], sys.argv[2]
import numpy as np
rng = np.random.RandomState(0)
X = rng.normal(size=(1000, 29, 1)).astype(np.float32)
y = X[:, -3:, 0].sum(axis=1)
compiles = {}
if contender == "rnnforecast":
    from numba.core import event
    with event.install_recorder("numba:compile") as recorder:
        import rnnforecast
        import warnings
        warnings.simplefilter("ignore")
        estimator = getattr(rnnforecast, cell + "Regressor")
        estimator(units=32, max_iter=10, batch_size=64, random_state=0).fit(X, y)
    starts = {}
    for stamp, ev in recorder.buffer:
        function = ev.data["dispatcher"].py_func
        if not function.__module__.startswith("rnnforecast"):
            continue
        name = function.__qualname__
        if ev.status.name == "START":
            starts[name] = stamp
        else:
            compiles[name] = compiles.get(name, 0.0) + stamp - starts.pop(name)
else:
    import torch
    layer = {"SimpleRNN": torch.nn.RNN, "LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU}[cell]
    rnn, head = layer(1, 32, batch_first=True), torch.nn.Linear(32, 1)
    params = list(rnn.parameters()) + list(head.parameters())
    optimizer = torch.optim.Adam(params, lr=1e-3)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.float32))[:, None]
    for epoch in range(10):
        for rows in torch.randperm(1000).split(64):
            optimizer.zero_grad()
            out, _ = rnn(Xt[rows])
            loss = torch.nn.functional.mse_loss(head(out[:, -1]), yt[rows])
            loss.backward()
            optimizer.step()
print(json.dumps({"seconds": time.perf_counter() - started, "compiles": compiles}))
"""


def run(contender, cell, cache_dir):
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-c", CHILD, contender, cell], env=env,
                            capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    return wall, json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cell", default="SimpleRNN", choices=["SimpleRNN", "LSTM", "GRU"])
    args = parser.parse_args()
    print(f"{args.cell}Regressor against torch's matching layer")
    cold, warm, kernels = [], [], {}
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory() as cache:
            wall, report = run("rnnforecast", args.cell, cache)
            cold.append(wall)
            kernels = report["compiles"]
            warm.append(run("rnnforecast", args.cell, cache)[0])
    print(f"rnnforecast, cold cache: {statistics.median(cold):.2f} s wall "
          f"(import + fit of 1,000 windows)")
    print(f"  kernels compiled in the last cold run: {len(kernels)}")
    print(f"rnnforecast, warm cache: {statistics.median(warm):.2f} s wall")
    if importlib.util.find_spec("torch") is None:
        print("torch: not installed")
    else:
        torch_times = [run("torch", args.cell, tempfile.gettempdir())[0]
                       for _ in range(args.repeats)]
        print(f"torch:                   {statistics.median(torch_times):.2f} s wall")
    print("\nCompile time of each rnnforecast kernel in the last cold run "
          "(inclusive of what it calls):")
    for name, seconds in sorted(kernels.items(), key=lambda item: -item[1]):
        print(f"  {name:<32} {seconds:6.2f} s")



if __name__ == "__main__":
    main()
