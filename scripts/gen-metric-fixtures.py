#!/usr/bin/env python3
"""Generate the reference fixtures for src/metrics from scikit-learn.

Writes seeded random cases (inputs + expected values) to test/fixtures/metrics/*.json. The tests
read these files and never need Python. Rerun after changing a case:

    python3 scripts/gen-metric-fixtures.py

Needs numpy and scikit-learn (any version whose definitions match: log_loss with eps="auto",
r2_score with force_finite=True, mean_absolute_percentage_error with the float64-epsilon floor).
Fairness gaps follow fairlearn's documented definitions (demographic_parity_difference and
equal_opportunity_difference with method="between_groups"), computed with plain numpy so fairlearn
is not needed.
"""

import json
import math
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    brier_score_loss,
    f1_score,
    log_loss,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    precision_score,
    r2_score,
    recall_score,
    roc_auc_score,
)

warnings.filterwarnings("ignore")

OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "metrics"))
ECE_BINS = 10
MISSING = "(missing)"


def num(x):
    """A float for JSON, or None for an undefined (NaN) value."""
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


# ---------------------------------------------------------------- binary


def ece(y, s, bins=ECE_BINS):
    """Expected calibration error: bin = min(floor(s * bins), bins - 1); sum |bin|/n * |mean(y) - mean(s)|."""
    y = np.asarray(y, dtype=np.float64)
    s = np.asarray(s, dtype=np.float64)
    b = np.minimum(np.floor(s * bins), bins - 1).astype(np.int64)
    total = 0.0
    for k in range(bins):
        m = b == k
        c = int(m.sum())
        if c == 0:
            continue
        total += (c / len(y)) * abs(y[m].mean() - s[m].mean())
    return total


def binary_expected(y, s, threshold):
    y = np.asarray(y, dtype=np.int64)
    s = np.asarray(s, dtype=np.float64)
    pred = (s >= threshold).astype(np.int64)
    one_class = len(np.unique(y)) < 2
    return {
        "accuracy": num(accuracy_score(y, pred)),
        "precision": num(precision_score(y, pred, pos_label=1, zero_division=0)),
        "recall": num(recall_score(y, pred, pos_label=1, zero_division=0)),
        "f1": num(f1_score(y, pred, pos_label=1, zero_division=0)),
        # Undefined with a single class: modelgate reports null.
        "roc_auc": None if one_class else num(roc_auc_score(y, s)),
        "average_precision": None if one_class else num(average_precision_score(y, s, pos_label=1)),
        "log_loss": num(log_loss(y, s, labels=[0, 1])),
        "brier": num(brier_score_loss(y, s, pos_label=1)),
        "ece": num(ece(y, s)),
    }


def binary_case(name, y, s, threshold=0.5):
    y = [int(v) for v in y]
    s = [float(v) for v in s]
    return {"name": name, "yTrue": y, "score": s, "threshold": threshold, "expected": binary_expected(y, s, threshold)}


def binary_cases(rng):
    cases = []
    for n in [1, 2, 3, 5, 10, 37, 100, 1000, 2000]:
        y = rng.integers(0, 2, n)
        # Scores correlated with the label so metrics are not all ~0.5.
        s = np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0, 1)
        cases.append(binary_case(f"random n={n}", y, s))
    for n in [50, 500, 5000]:
        y = rng.integers(0, 2, n)
        s = np.round(np.clip(rng.normal(0.4 + 0.2 * y, 0.25), 0, 1), 1)
        cases.append(binary_case(f"ties: scores rounded to 1 decimal n={n}", y, s))
    y = rng.integers(0, 2, 300)
    s = np.round(rng.uniform(0, 1, 300), 2)
    cases.append(binary_case("ties: scores rounded to 2 decimals, threshold 0.3", y, s, 0.3))
    cases.append(binary_case("all scores equal 0.5", rng.integers(0, 2, 60), np.full(60, 0.5)))
    cases.append(binary_case("all scores equal 0.73", rng.integers(0, 2, 25), np.full(25, 0.73)))
    n = 3000
    y = (rng.uniform(0, 1, n) < 0.01).astype(int)
    s = np.round(np.clip(rng.beta(1, 8, n) + 0.3 * y, 0, 1), 4)
    cases.append(binary_case("imbalanced 1% positives", y, s))
    y = (rng.uniform(0, 1, 400) < 0.97).astype(int)
    s = np.round(rng.uniform(0, 1, 400), 3)
    cases.append(binary_case("imbalanced 97% positives", y, s))
    cases.append(binary_case("single class: all negatives", np.zeros(40), np.round(rng.uniform(0, 1, 40), 3)))
    cases.append(binary_case("single class: all positives", np.ones(40), np.round(rng.uniform(0, 1, 40), 3)))
    cases.append(binary_case("single row, positive", [1], [0.8]))
    cases.append(binary_case("single row, negative with score 0", [0], [0.0]))
    y = rng.integers(0, 2, 200)
    s = rng.choice([0.0, 1.0, 0.5, 1e-20, 1 - 1e-17, 0.999999999], 200)
    cases.append(binary_case("extreme scores 0 and 1 (log loss clipping)", y, s))
    y = rng.integers(0, 2, 100)
    cases.append(binary_case("perfect separation", y, np.where(y == 1, 0.9, 0.1)))
    cases.append(binary_case("inverted ranking", y, np.where(y == 1, 0.2, 0.8)))
    s = np.round(rng.uniform(0, 1, 100), 1)
    cases.append(binary_case("threshold 0: everything positive", y, s, 0.0))
    cases.append(binary_case("threshold 1: only score 1 positive", y, np.where(s > 0.8, 1.0, s), 1.0))
    s = rng.choice(np.linspace(0, 1, 11), 500)
    cases.append(binary_case("scores on the ECE bin edges", rng.integers(0, 2, 500), s))
    return cases


# ---------------------------------------------------------------- multiclass


def multiclass_expected(y, p, k):
    y = np.asarray(y, dtype=np.int64)
    p = np.asarray(p, dtype=np.float64).reshape(len(y), k)
    pred = np.argmax(p, axis=1)  # first maximum on ties
    labels = list(range(k))
    return {
        "accuracy": num(accuracy_score(y, pred)),
        "f1_macro": num(f1_score(y, pred, labels=labels, average="macro", zero_division=0)),
        "f1_weighted": num(f1_score(y, pred, labels=labels, average="weighted", zero_division=0)),
        "precision_macro": num(precision_score(y, pred, labels=labels, average="macro", zero_division=0)),
        "recall_macro": num(recall_score(y, pred, labels=labels, average="macro", zero_division=0)),
        "log_loss": num(log_loss(y, p, labels=labels)),
    }


def multiclass_case(name, y, p, k):
    y = [int(v) for v in y]
    p = [float(v) for v in np.asarray(p, dtype=np.float64).reshape(-1)]
    classes = ["class_" + chr(ord("a") + j) for j in range(k)]
    return {"name": name, "yTrue": y, "proba": p, "classes": classes, "expected": multiclass_expected(y, p, k)}


def dirichlet_for(rng, y, k, strength=2.0):
    alpha = np.ones((len(y), k))
    alpha[np.arange(len(y)), y] += strength
    # 8 decimals keep the fixture files small; the values stay generic floats.
    return np.round(np.array([rng.dirichlet(a) for a in alpha]), 8)


def multiclass_cases(rng):
    cases = []
    for k in [3, 5]:
        for n in [1, 7, 100, 1000]:
            y = rng.integers(0, k, n)
            cases.append(multiclass_case(f"k={k} random n={n}", y, dirichlet_for(rng, y, k), k))
        y = rng.integers(0, k, 400)
        p = np.round(dirichlet_for(rng, y, k, 1.0), 1)  # many argmax ties, rows not summing to 1, zeros
        cases.append(multiclass_case(f"k={k} rounded probabilities (ties, zeros)", y, p, k))
        y = rng.integers(0, k - 1, 300)  # the last class never appears in y_true ...
        p = dirichlet_for(rng, y, k)
        cases.append(multiclass_case(f"k={k} last class missing from yTrue", y, p, k))
        p2 = p.copy()
        p2[:, k - 1] = 0.0  # ... nor in the predictions
        cases.append(multiclass_case(f"k={k} last class missing from yTrue and predictions", y, p2, k))
    y = rng.integers(0, 3, 30)
    cases.append(multiclass_case("k=3 uniform probabilities (argmax = first class)", y, np.full((30, 3), 1 / 3), 3))
    y = np.zeros(20, dtype=int)
    cases.append(multiclass_case("k=3 single class in yTrue", y, dirichlet_for(rng, y, 3), 3))
    y = rng.integers(0, 2, 200)
    cases.append(multiclass_case("k=2 as multiclass", y, dirichlet_for(rng, y, 2), 2))
    return cases


# ---------------------------------------------------------------- regression


def regression_expected(y, yp):
    y = np.asarray(y, dtype=np.float64)
    yp = np.asarray(yp, dtype=np.float64)
    return {
        "mae": num(mean_absolute_error(y, yp)),
        "mse": num(mean_squared_error(y, yp)),
        "rmse": num(mean_squared_error(y, yp, squared=False)),
        # sklearn gives NaN with fewer than 2 rows; modelgate reports null.
        "r2": num(r2_score(y, yp)) if len(y) >= 2 else None,
        "mape": num(mean_absolute_percentage_error(y, yp)),
    }


def regression_case(name, y, yp):
    y = [float(v) for v in y]
    yp = [float(v) for v in yp]
    return {"name": name, "yTrue": y, "yPred": yp, "expected": regression_expected(y, yp)}


def regression_cases(rng):
    cases = []
    for n in [1, 2, 10, 100, 2000]:
        y = np.round(rng.normal(10, 5, n), 6)
        cases.append(regression_case(f"random n={n}", y, np.round(y + rng.normal(0, 2, n), 6)))
    y = np.round(rng.normal(0, 2, 300), 0)  # many exact zeros
    cases.append(regression_case("zeros in yTrue (mape epsilon)", y, y + np.round(rng.normal(0, 1, 300), 2)))
    y = np.round(rng.normal(0, 2, 100), 0)
    yp = np.where(y == 0, 0.0, y + 0.5)
    cases.append(regression_case("zeros in yTrue predicted exactly", y, yp))
    cases.append(regression_case("constant yTrue, perfect predictions", np.full(10, 3.0), np.full(10, 3.0)))
    cases.append(regression_case("constant yTrue, imperfect predictions", np.full(10, 3.0), np.full(10, 3.5)))
    y = rng.normal(0, 1, 50)
    cases.append(regression_case("perfect predictions", y, y))
    y = 1e6 + rng.normal(0, 1, 500)
    cases.append(regression_case("large offset, small spread", y, y + rng.normal(0, 0.1, 500)))
    y = rng.normal(0, 1, 200)
    cases.append(regression_case("worse than the mean (negative r2)", y, -y))
    return cases


# ---------------------------------------------------------------- slices and fairness


def slice_key(v):
    """Groups are identified by the value's string form; None is the missing group."""
    return MISSING if v is None else str(v)


def fairness_gaps(y, pred, groups):
    """fairlearn between_groups: max - min of per-group selection rate / true positive rate."""
    sel, tpr = [], []
    for g in groups:
        m = g
        sel.append(pred[m].mean())
        pos = y[m] == 1
        if pos.sum() > 0:  # groups without positives are skipped
            tpr.append(pred[m][pos].mean())
    return {
        "demographic_parity_difference": num(max(sel) - min(sel)),
        "equal_opportunity_difference": num(max(tpr) - min(tpr)) if tpr else None,
    }


def slice_case(name, task, base, column):
    n = len(column)
    keys = [slice_key(v) for v in column]
    distinct = []
    for k in keys:
        if k not in distinct:
            distinct.append(k)
    masks = [np.array([kk == k for kk in keys]) for k in distinct]
    groups = []
    for k, m in zip(distinct, masks):
        idx = np.nonzero(m)[0]
        if task == "binary":
            y = np.asarray(base["yTrue"])[idx]
            s = np.asarray(base["score"])[idx]
            metrics = binary_expected(y, s, base["threshold"])
            pred = (s >= base["threshold"]).astype(float)
            pos = y == 1
            rates = {
                "selection_rate": num(pred.mean()),
                "true_positive_rate": num(pred[pos].mean()) if pos.sum() > 0 else None,
            }
        elif task == "multiclass":
            kk = len(base["classes"])
            y = np.asarray(base["yTrue"])[idx]
            p = np.asarray(base["proba"]).reshape(n, kk)[idx]
            metrics = multiclass_expected(y, p, kk)
            rates = None
        else:
            metrics = regression_expected(np.asarray(base["yTrue"])[idx], np.asarray(base["yPred"])[idx])
            rates = None
        groups.append({"value": k, "count": int(len(idx)), "metrics": metrics, "rates": rates})
    gaps = {}
    if task == "binary":
        y = np.asarray(base["yTrue"])
        pred = (np.asarray(base["score"]) >= base["threshold"]).astype(float)
        gaps = fairness_gaps(y, pred, masks)
    case = {"name": name, "task": task, "column": "group", "values": list(column)}
    case.update({k: v for k, v in base.items() if k not in ("name", "expected")})
    case["expected"] = {"groups": groups, "gaps": gaps}
    return case


def slice_cases(rng):
    cases = []
    n = 600
    y = rng.integers(0, 2, n)
    s = np.round(np.clip(rng.normal(0.4 + 0.2 * y, 0.25), 0, 1), 3)
    column = [str(v) for v in rng.choice(["a", "b", "c"], n)]
    for i in rng.choice(n, 30, replace=False):
        column[int(i)] = None
    cases.append(slice_case("binary, string groups with missing", "binary", binary_case("", y, s), column))
    y = (rng.uniform(0, 1, 300) < 0.2).astype(int)
    s = np.round(rng.uniform(0, 1, 300), 2)
    column = [int(v) for v in rng.choice([1, 2, 10, 33], 300)]
    y[np.array(column) == 33] = 0  # a group without positives: skipped by equal opportunity
    cases.append(slice_case("binary, numeric groups, one without positives", "binary", binary_case("", y, s, 0.4), column))
    y = np.zeros(50, dtype=int)
    column = [str(v) for v in rng.choice(["x", "y"], 50)]
    cases.append(slice_case("binary, no positives anywhere", "binary", binary_case("", y, rng.uniform(0, 1, 50)), column))
    y = rng.integers(0, 2, 80)
    cases.append(slice_case("binary, single group", "binary", binary_case("", y, rng.uniform(0, 1, 80)), ["only"] * 80))
    y = rng.integers(0, 3, 240)
    column = [str(v) for v in rng.choice(["north", "south"], 240)]
    cases.append(slice_case("multiclass k=3", "multiclass", multiclass_case("", y, dirichlet_for(rng, y, 3), 3), column))
    y = rng.normal(5, 2, 200)
    column = [None if v == 0 else int(v) for v in rng.choice([0, 1, 2], 200)]
    cases.append(
        slice_case("regression, numeric groups with missing", "regression", regression_case("", y, y + rng.normal(0, 1, 200)), column)
    )
    return cases


def write(name, cases):
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump({"generator": "scripts/gen-metric-fixtures.py", "sklearn": sklearn.__version__, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")
    print(f"{os.path.relpath(path)}: {len(cases)} cases, {os.path.getsize(path)} bytes", file=sys.stderr)


def main():
    os.makedirs(OUT, exist_ok=True)
    write("binary.json", binary_cases(np.random.default_rng(20240501)))
    write("multiclass.json", multiclass_cases(np.random.default_rng(20240502)))
    write("regression.json", regression_cases(np.random.default_rng(20240503)))
    write("slices.json", slice_cases(np.random.default_rng(20240504)))


if __name__ == "__main__":
    main()
