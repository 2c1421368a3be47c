"""Damaged and hostile model files: how long a refusal takes, and its memory.

Saves one fitted classifier with ``save_model``, then loads ``--files``
copies of it, each with 1-4 random bytes changed or cut short (seeded), and
two zip bombs (a sub-megabyte file whose weights, or metadata, deflate to
hundreds of megabytes). For each load: the outcome (loaded and predicting as
saved, or the exception's type), the seconds, and the peak of Python's
allocations (``tracemalloc``). Issue 25's bar: only ValueErrors, none slower
than 1 s, none above 200 MB.

    cd benchmarks && python damaged_files.py --files 2000
"""

import argparse
import collections
import io
import platform
import tempfile
import time
import tracemalloc
import warnings
import zipfile
from pathlib import Path

import numpy as np

from rnnforecast import GRUClassifier, load_model, save_model


def saved_model(folder):
    X = np.random.default_rng(0).normal(size=(24, 5, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # two epochs on noise: not a model to use
        model = GRUClassifier(units=3, max_iter=2, random_state=0).fit(X, np.arange(24) % 3)
    path = folder / "model.npz"
    save_model(model, path)
    return path.read_bytes(), model.predict_proba(X), X


def mutated(content, rng):
    data = bytearray(content)
    for _ in range(rng.integers(1, 5)):
        data[rng.integers(len(data))] = rng.integers(256)
    if rng.random() < 0.5:
        data = data[:rng.integers(len(data) + 1)]
    return bytes(data)


def bomb(content, member, n_bytes):
    """``content`` with ``member`` replaced by ``n_bytes`` of zeros, deflated."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != f"{member}.npy":
                archive.writestr(info.filename, source.read(info))
        header = io.BytesIO()
        shape = () if member == "metadata" else (n_bytes // 4,)
        np.lib.format.write_array_header_1_0(
            header, {"descr": "<U1" if member == "metadata" else "<f4",
                     "fortran_order": False, "shape": shape})
        with archive.open(f"{member}.npy", "w", force_zip64=True) as entry:
            entry.write(header.getvalue())
            for _ in range(n_bytes >> 20):
                entry.write(bytes(1 << 20))
    return out.getvalue()


def load(path, expected, X):
    """Outcome, seconds and peak bytes of loading ``path``."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        model = load_model(path)
        outcome = ("loaded as saved" if np.array_equal(model.predict_proba(X), expected)
                   else "LOADED DIFFERENT")
    except Exception as error:  # noqa: BLE001 - counting what comes out is the point
        outcome = type(error).__name__
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return outcome, seconds, peak


def cpu_name():
    """The CPU's model name (Linux), else the machine type."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        content, expected, X = saved_model(folder)
        cases = [mutated(content, rng) for _ in range(args.files)]
        cases += [bomb(content, "params", 1 << 30), bomb(content, "metadata", 400 << 20)]
        outcomes, slowest, largest = collections.Counter(), 0.0, 0
        for number, data in enumerate(cases):
            path = folder / f"case{number}.npz"
            path.write_bytes(data)
            outcome, seconds, peak = load(path, expected, X)
            outcomes[outcome] += 1
            slowest, largest = max(slowest, seconds), max(largest, peak)
            path.unlink()
    print(f"{cpu_name()}: {len(cases)} files "
          f"({args.files} mutated, 2 zip bombs)")
    for outcome, count in outcomes.most_common():
        print(f"  {count:6d}  {outcome}")
    print(f"slowest load {slowest:.3f} s; largest peak {largest / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
