"""numpy + scikit-learn peer of the paired bootstrap benchmark (bench/diff-bootstrap.ts).

Reads the labels and the two runs' scores (raw little-endian float64 files written by the benchmark),
draws `resamples` resamples of the row indexes with numpy, computes every binary metric modelgate
reports on the SAME resample for both runs with scikit-learn (ECE with numpy, 10 equal-width bins),
and takes the 2.5th / 97.5th percentiles of the deltas. Prints one JSON object: the seconds spent and
the intervals.

Usage: python3 paired_bootstrap_sklearn.py --y Y.f64 --base B.f64 --cand C.f64 --resamples 1000
"""

import argparse
import json
import time

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    f1_score,
    log_loss,
    precision_score,
    recall_score,
    roc_auc_score,
)


def ece(y, s, bins=10):
    b = np.minimum((s * bins).astype(np.int64), bins - 1)
    count = np.bincount(b, minlength=bins)
    sum_y = np.bincount(b, weights=y, minlength=bins)
    sum_s = np.bincount(b, weights=s, minlength=bins)
    nz = count > 0
    return float(np.sum(count[nz] / len(y) * np.abs(sum_y[nz] / count[nz] - sum_s[nz] / count[nz])))


def metrics(y, s, threshold=0.5):
    pred = (s >= threshold).astype(np.int64)
    out = {
        "accuracy": accuracy_score(y, pred),
        "precision": precision_score(y, pred, zero_division=0),
        "recall": recall_score(y, pred, zero_division=0),
        "f1": f1_score(y, pred, zero_division=0),
        "log_loss": log_loss(y, s, labels=[0, 1]),
        "brier": brier_score_loss(y, s),
        "ece": ece(y, s),
    }
    if 0 < y.sum() < len(y):
        out["roc_auc"] = roc_auc_score(y, s)
        out["average_precision"] = average_precision_score(y, s)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--y", required=True)
    parser.add_argument("--base", required=True)
    parser.add_argument("--cand", required=True)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    y = np.fromfile(args.y, dtype="<f8").astype(np.int64)
    base = np.fromfile(args.base, dtype="<f8")
    cand = np.fromfile(args.cand, dtype="<f8")
    n = len(y)
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    deltas = {}
    for _ in range(args.resamples):
        idx = rng.integers(0, n, n)
        yb = y[idx]
        mb = metrics(yb, base[idx])
        mc = metrics(yb, cand[idx])
        for name, value in mc.items():
            if name in mb:
                deltas.setdefault(name, []).append(value - mb[name])
    intervals = {name: np.percentile(d, [2.5, 97.5]).tolist() for name, d in deltas.items()}
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "rows": n, "resamples": args.resamples, "intervals": intervals}))


if __name__ == "__main__":
    main()
