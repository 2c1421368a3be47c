"""Training speed of the LSTM-FCN network against the same network in torch,
side by side in one process (issue 26's speed target: at least 1.5x torch
at batch 128 on series of 150 and 500 steps).

The network of Karim et al. (2017): an LSTM of 8 cells reading the
dimension-shuffled series (one step of T inputs) beside three Conv1D
blocks of 128, 256 and 128 filters (kernels 8, 5, 3; batch normalisation,
ReLU), their mean over time, one softmax layer; Adam at 1e-3, float32, a
univariate series, 4 classes. One epoch of ``--n`` series is timed after a
warm-up epoch; the median of ``--repeats`` epochs is reported with the ratio
torch / rnnforecast (above 1: rnnforecast is faster).

    python benchmarks/lstm_fcn_speed.py [--lengths 150 500] [--n 1024]
"""

import argparse
import platform
import warnings

import numpy as np

from rnnforecast import LSTMClassifier
from rnnforecast._estimators.resources import LongFitWarning

from train_speed import median_seconds

FILTERS, KERNELS, CELLS, BATCH = (128, 256, 128), (8, 5, 3), 8, 128


def make_data(n, length, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 4, n)
    steps = np.arange(length)
    X = rng.normal(scale=0.5, size=(n, length)) + np.sin(
        steps[None, :] * (1 + labels[:, None]) * 2 * np.pi / length)
    return X.astype(np.float32), labels


def time_rnnforecast(X, y, repeats):
    model = LSTMClassifier(units=CELLS, conv_filters=FILTERS, conv_kernel_sizes=KERNELS,
                           dimension_shuffle=True, input_pooling=None, batch_size=BATCH,
                           scale_inputs=False, alpha=0.0, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LongFitWarning)
        return median_seconds(lambda: model.partial_fit(X, y, classes=np.arange(4)),
                              repeats)


def time_torch(X, y, repeats):
    import torch

    torch.manual_seed(0)
    length = X.shape[1]
    lstm = torch.nn.LSTM(length, CELLS, batch_first=True)
    blocks, channels = [], 1
    for filters, size in zip(FILTERS, KERNELS):
        blocks += [torch.nn.Conv1d(channels, filters, size, padding="same", bias=False),
                   torch.nn.BatchNorm1d(filters), torch.nn.ReLU()]
        channels = filters
    convolutions = torch.nn.Sequential(*blocks)
    head = torch.nn.Linear(CELLS + channels, 4)
    params = [*lstm.parameters(), *convolutions.parameters(), *head.parameters()]
    optimizer = torch.optim.Adam(params, lr=1e-3)
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)

    def epoch():
        for rows in torch.randperm(X_t.shape[0]).split(BATCH):
            optimizer.zero_grad()
            series = X_t[rows]
            recurrent, _ = lstm(series[:, None, :])      # one step of T inputs
            pooled = convolutions(series[:, None, :]).mean(dim=2)
            logits = head(torch.cat([recurrent[:, -1], pooled], dim=1))
            torch.nn.functional.cross_entropy(logits, y_t[rows]).backward()
            optimizer.step()

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Using padding='same' with even kernel")
        return median_seconds(epoch, repeats)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[150, 500])
    parser.add_argument("--n", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"CPU: {platform.processor() or platform.machine()}; {args.n} series, batch "
          f"{BATCH}, float32")
    print(f"{'length':>6} {'ours ms/epoch':>14} {'torch ms/epoch':>15} {'ratio':>6}")
    for length in args.lengths:
        X, y = make_data(args.n, length)
        ours = time_rnnforecast(X, y, args.repeats)
        try:
            theirs = time_torch(X, y, args.repeats)
        except ImportError:
            print(f"{length:>6} {1e3 * ours:>14.0f} {'torch missing':>15}")
            continue
        print(f"{length:>6} {1e3 * ours:>14.0f} {1e3 * theirs:>15.0f} {theirs / ours:>6.2f}")


if __name__ == "__main__":
    main()
