"""Inference speed of rnnforecast against PyTorch, side by side.

One-window latency through the public API (``model.predict(X[:1])``, input
validation included) against ``torch.nn.RNN`` / ``nn.LSTM`` / ``nn.GRU`` +
``nn.Linear`` under ``torch.no_grad()`` on the same window; and throughput
for 100,000 windows. Median of many calls; ratio above 1 means rnnforecast
is faster. Targets (issue 13): one window at least 4x torch up to 128 units
and 2x at 256; 100,000 windows at least 2x; the last columns say whether
each is met.

    python benchmarks/predict_speed.py [--units 16 32 64 128 256] [--cells simple lstm gru]
"""

import argparse
import warnings

from rnnforecast import GRURegressor, LSTMRegressor, SimpleRNNRegressor

from train_speed import make_data, median_seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, nargs="+", default=[16, 32, 64, 128, 256])
    parser.add_argument("--cells", nargs="+", default=["simple", "lstm", "gru"],
                        choices=list(CELLS))
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    import torch

    X, y = make_data(args.n, 29)
    print(f"T=29, 1 feature, float32; torch {torch.__version__} "
          f"({torch.get_num_threads()} threads)")
    print(f"{'cell':>6} {'units':>6} {'1 window us':>12} {'torch us':>9} {'ratio':>6}   "
          f"{args.n} windows ms {'torch ms':>9} {'ratio':>6}  targets: 1 window, all")
    for cell in args.cells:
        for units in args.units:
            _compare(cell, units, X, y, torch)


def _compare(cell, units, X, y, torch):
    estimator, torch_layer = CELLS[cell]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = estimator(units=units, max_iter=1, random_state=0).fit(X[:256], y[:256])
    rnn = getattr(torch.nn, torch_layer)(1, units, batch_first=True)
    head = torch.nn.Linear(units, 1)

    def torch_forward(batch):
        with torch.no_grad():
            out, _ = rnn(torch.from_numpy(batch))
            return head(out[:, -1]).numpy()

    one = X[:1]
    ours_one = median_seconds(lambda: model.predict(one), 300) * 1e6
    torch_one = median_seconds(lambda: torch_forward(one), 300) * 1e6
    ours_all = median_seconds(lambda: model.predict(X), 3) * 1e3
    torch_all = median_seconds(lambda: torch_forward(X), 3) * 1e3
    one_target = 4 if units <= 128 else 2
    verdicts = ["met" if ratio >= target else "MISSED" for ratio, target in
                [(torch_one / ours_one, one_target), (torch_all / ours_all, 2)]]
    print(f"{cell:>6} {units:>6} {ours_one:>12.1f} {torch_one:>9.1f} "
          f"{torch_one / ours_one:>6.2f}   {ours_all:>18.1f} {torch_all:>9.1f} "
          f"{torch_all / ours_all:>6.2f}  {one_target}x {verdicts[0]}, 2x {verdicts[1]}")


CELLS = {"simple": (SimpleRNNRegressor, "RNN"), "lstm": (LSTMRegressor, "LSTM"),
         "gru": (GRURegressor, "GRU")}


if __name__ == "__main__":
    main()
