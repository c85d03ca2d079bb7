"""numpy + scipy peer of the drift report benchmark (bench/drift-report.ts).

Reads the reference and current data the benchmark wrote (one raw little-endian file per column:
float64 for numeric columns, uint16 category codes for categorical ones; listed in a JSON manifest)
and computes, per column, what modelgate's drift report computes with its default methods at these
sizes, the way a numpy/scipy script would (Evidently's recipe):

- numeric: the Wasserstein distance normed by the reference's standard deviation
  (scipy.stats.wasserstein_distance / np.std) and the histogram shares over 10 reference-quantile
  bins (for the charts: np.quantile + np.searchsorted);
- categorical: the category shares of both sides (np.bincount) and the Jensen-Shannon distance
  (scipy.spatial.distance.jensenshannon) over the union of categories.

Then the dataset verdict (drifted share >= 0.5). Loading the files is not timed; everything after
is. Prints one JSON object: the seconds spent and the per-column statistics.

Usage: python3 drift_scipy.py MANIFEST.json
"""

import json
import sys
import time

import numpy as np
from scipy.spatial.distance import jensenshannon
from scipy.stats import wasserstein_distance


def load(manifest):
    columns = []
    for col in manifest["columns"]:
        dtype = np.float64 if col["type"] == "numeric" else np.uint16
        ref = np.fromfile(col["reference"], dtype=dtype)
        cur = np.fromfile(col["current"], dtype=dtype)
        columns.append((col["name"], col["type"], ref, cur))
    return columns


def numeric(ref, cur):
    std = np.std(ref)
    w = wasserstein_distance(ref, cur)
    normed = w / std if std > 0 else w
    edges = np.unique(np.quantile(ref, np.linspace(0.1, 0.9, 9)))
    r = np.bincount(np.searchsorted(edges, ref, side="left"), minlength=len(edges) + 1) / len(ref)
    c = np.bincount(np.searchsorted(edges, cur, side="left"), minlength=len(edges) + 1) / len(cur)
    return {"method": "wasserstein", "statistic": float(normed), "drifted": bool(normed >= 0.1),
            "bins": [r.tolist(), c.tolist()]}


def categorical(ref, cur):
    k = int(max(ref.max(initial=0), cur.max(initial=0))) + 1
    r = np.bincount(ref, minlength=k).astype(np.float64)
    c = np.bincount(cur, minlength=k).astype(np.float64)
    keep = (r > 0) | (c > 0)
    r = r[keep] / r.sum()
    c = c[keep] / c.sum()
    eps = 1e-4
    rs = np.maximum(r, eps)
    cs = np.maximum(c, eps)
    js = jensenshannon(rs / rs.sum(), cs / cs.sum())
    return {"method": "jensenshannon", "statistic": float(js), "drifted": bool(js >= 0.1),
            "bins": [r.tolist(), c.tolist()]}


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        manifest = json.load(f)
    columns = load(manifest)
    started = time.perf_counter()
    results = {}
    for name, kind, ref, cur in columns:
        results[name] = numeric(ref, cur) if kind == "numeric" else categorical(ref, cur)
    drifted = sum(1 for r in results.values() if r["drifted"])
    share = drifted / len(results)
    seconds = time.perf_counter() - started
    for r in results.values():
        del r["bins"]
    print(json.dumps({"seconds": seconds, "share": share, "drifted": share >= 0.5, "columns": results}))


if __name__ == "__main__":
    main()
