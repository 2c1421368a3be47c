"""A first look at the LSTM-FCN classifier on one public UCR set, against
1-NN Euclidean (issue 26; the suite of ``accuracy.py`` comes next).

The published settings (Karim et al. 2017): 8 LSTM cells reading the
dimension-shuffled series beside Conv1D blocks of 128, 256 and 128 filters
(kernels 8, 5, 3), batch 128, Adam at 1e-3; here with the step size divided
on plateaus (``learning_rate="adaptive"``), balanced class weights, and a
fixed number of epochs. Loads the sets of one length among the offline
sets of ``ucr_sets.py``, which refuses the reserved ones.

    python benchmarks/lstm_fcn_probe.py OSULeaf 150 [--seeds 0 1 2]
"""

import argparse
import time
import warnings

import ucr_sets
from sklearn.neighbors import KNeighborsClassifier

from rnnforecast import LSTMClassifier


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name")
    parser.add_argument("epochs", type=int)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    args = parser.parse_args()
    X_train, y_train = ucr_sets.load(args.name, "TRAIN")
    X_test, y_test = ucr_sets.load(args.name, "TEST")
    print(args.name, X_train.shape, X_test.shape)
    nearest = KNeighborsClassifier(1).fit(X_train.reshape(len(X_train), -1), y_train)
    print("1-NN Euclidean", round(nearest.score(X_test.reshape(len(X_test), -1), y_test), 3))
    for seed in args.seeds:
        started = time.perf_counter()
        model = LSTMClassifier(units=8, conv_filters=(128, 256, 128), dimension_shuffle=True,
                               input_pooling=None, batch_size=128, max_iter=args.epochs,
                               learning_rate="adaptive", class_weight="balanced", tol=0.0,
                               n_iter_no_change=args.epochs, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(X_train, y_train)
        print(f"LSTM-FCN seed {seed}: {model.score(X_test, y_test):.3f} after "
              f"{model.n_iter_} epochs, {time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
