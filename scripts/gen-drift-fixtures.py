#!/usr/bin/env python3
"""Generate the reference fixtures for src/drift/stats from scipy.

Writes seeded cases (inputs or sample recipes + expected values) to test/fixtures/drift-stats/*.json.
The tests read these files and never need Python. Rerun after changing a case:

    python3 scripts/gen-drift-fixtures.py

Needs numpy and scipy; the stored results come from the scipy version recorded in each file
(ks_2samp's method='auto' rule and exact/asymptotic p-values are those of scipy 1.10).

Large samples are not stored: each is a recipe {seed, n, kind, loc, scale, k} expanded by the same
generator here and in test/fixtures/drift-stats/samples.ts (mulberry32 plus +, -, *, /, floor only,
all correctly rounded, so Python and JavaScript produce bit-identical samples).

statsmodels' proportions_ztest is reproduced with its own formula in numpy (statsmodels is optional).
The binned distances apply modelgate's epsilon policy (drop bins empty on both sides, normalise,
clip shares below 1e-4, renormalise) in numpy and then call scipy on the resulting shares.
"""

import json
import math
import os
import warnings

import numpy as np
import scipy
from scipy import special, stats
from scipy.spatial.distance import jensenshannon

OUT = os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "drift-stats")
)
EPSILON = 1e-4
MASK = 0xFFFFFFFF

# ks_2samp(method="asymp") on 1 vs 1 divides by zero on the way to its NaN p-value; that NaN is a case.
warnings.filterwarnings("ignore", category=RuntimeWarning)


def num(x):
    """A float for JSON, or None for NaN."""
    x = float(x)
    return None if math.isnan(x) else x


# ---------------------------------------------------------------- samples (twin of samples.ts)


def imul(a, b):
    return (a * b) & MASK


class Mulberry32:
    def __init__(self, seed):
        self.a = seed & MASK

    def next(self):
        self.a = (self.a + 0x6D2B79F5) & MASK
        t = self.a
        t = imul(t ^ (t >> 15), t | 1)
        t ^= (t + imul(t ^ (t >> 7), t | 61)) & MASK
        return ((t ^ (t >> 14)) & MASK) / 4294967296


def sample(recipe):
    """Expands a recipe exactly as samples.ts does."""
    rng = Mulberry32(recipe["seed"])
    kind, loc, scale, k = recipe["kind"], recipe["loc"], recipe["scale"], recipe.get("k", 1)
    out = []
    for _ in range(recipe["n"]):
        if kind == "uniform":
            v = loc + scale * rng.next()
        elif kind == "bell":
            u1, u2, u3, u4 = rng.next(), rng.next(), rng.next(), rng.next()
            v = loc + scale * ((((u1 + u2) + u3) + u4) - 2.0)
        elif kind == "skew":
            u = rng.next()
            v = loc + scale * (u * u)
        elif kind == "ties":
            u1, u2, u3, u4 = rng.next(), rng.next(), rng.next(), rng.next()
            v = loc + scale * math.floor((((u1 + u2) + u3) + u4) * k)
        else:
            raise ValueError(kind)
        out.append(v)
    return np.array(out, dtype=np.float64)


def recipe(seed, n, kind="bell", loc=0.0, scale=1.0, k=1):
    return {"seed": seed, "n": n, "kind": kind, "loc": float(loc), "scale": float(scale), "k": k}


def write(name, payload):
    payload = {"scipy": scipy.__version__, "numpy": np.__version__, **payload}
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        json.dump(payload, f, separators=(",", ":"))
        f.write("\n")
    print(f"{name}: {os.path.getsize(path)} bytes")


# ---------------------------------------------------------------- KS


def ks_cases():
    cases = []
    seed = [1000]

    def add(label, a, b, method="auto"):
        xa = a if isinstance(a, list) else sample(a)
        xb = b if isinstance(b, list) else sample(b)
        r = stats.ks_2samp(xa, xb, method=method)
        cases.append(
            {"label": label, "a": a, "b": b, "method": method,
             "statistic": num(r.statistic), "pvalue": num(r.pvalue)}
        )

    def nxt():
        seed[0] += 1
        return seed[0]

    # Raw small cases.
    add("raw 3 vs 4", [1.0, 2.0, 3.0], [1.5, 2.5, 3.5, 4.5])
    add("raw ties across samples", [1.0, 2.0, 2.0, 3.0], [2.0, 2.0, 3.0, 3.0, 4.0])
    add("raw single values", [1.0], [2.0])
    add("raw equal singletons", [1.0], [1.0])
    add("raw 1 vs 1 asymp (NaN)", [1.0], [2.0], "asymp")
    add("raw negative zero", [-0.0, 1.0, 2.0], [0.0, 0.5, 3.0])

    # Exact branch (max(n1, n2) <= 10000), assorted sizes and shifts.
    exact_sizes = [
        (1, 2), (2, 1), (1, 5), (3, 3), (4, 6), (5, 7), (8, 8), (10, 15), (20, 30), (25, 25), (50, 50),
        (64, 96), (100, 80), (200, 333), (500, 499), (997, 1013), (1000, 1000), (1000, 1500), (2000, 3000),
        (5000, 7000), (10000, 10000), (10000, 9999), (10000, 3), (3, 10000), (10000, 1), (7, 9973),
    ]
    for i, (n1, n2) in enumerate(exact_sizes):
        shift = [0.0, 0.05, 0.2, 0.5][i % 4]
        add(f"exact {n1} vs {n2} shift {shift}", recipe(nxt(), n1), recipe(nxt(), n2, loc=shift))
    # Asymptotic branch.
    asymp_sizes = [
        (10001, 10001), (20000, 20000), (20000, 15000), (20000, 1), (1, 20000), (20000, 7), (12000, 300),
        (15000, 15000), (19999, 19999), (10001, 20000), (11000, 10000),
    ]
    for i, (n1, n2) in enumerate(asymp_sizes):
        for shift in ([0.0, 0.02] if n1 * n2 > 1e6 else [0.3]):
            add(f"asymp {n1} vs {n2} shift {shift}", recipe(nxt(), n1), recipe(nxt(), n2, loc=shift))
    # Significance spread at one size in each branch.
    for shift in [0.01, 0.03, 0.06, 0.1, 0.3, 1.0]:
        add(f"exact 3000 vs 4000 shift {shift}", recipe(nxt(), 3000), recipe(nxt(), 4000, loc=shift))
        add(f"asymp 20000 vs 12000 shift {shift}", recipe(nxt(), 20000), recipe(nxt(), 12000, loc=shift))
    # Heavy ties (rounded values).
    add("ties k=3 500 vs 700", recipe(nxt(), 500, "ties", k=3), recipe(nxt(), 700, "ties", k=3))
    add("ties k=2 20000 vs 20000", recipe(nxt(), 20000, "ties", k=2), recipe(nxt(), 20000, "ties", k=2))
    add("ties k=5 10000 vs 8000 shifted", recipe(nxt(), 10000, "ties", k=5),
        recipe(nxt(), 8000, "ties", loc=1.0, k=5))
    add("ties k=1 3 vs 5", recipe(nxt(), 3, "ties"), recipe(nxt(), 5, "ties"))
    # Identical samples.
    r = recipe(nxt(), 1000)
    add("identical 1000", r, dict(r))
    r = recipe(nxt(), 20000, "skew")
    add("identical 20000", r, dict(r))
    # Disjoint samples.
    add("disjoint 10 vs 12", recipe(nxt(), 10, "uniform"), recipe(nxt(), 12, "uniform", loc=5.0))
    add("disjoint 3000 vs 4000", recipe(nxt(), 3000, "uniform"), recipe(nxt(), 4000, "uniform", loc=5.0))
    add("disjoint 20000 vs 20000", recipe(nxt(), 20000, "uniform"), recipe(nxt(), 20000, "uniform", loc=5.0))
    add("disjoint 10000 vs 9999", recipe(nxt(), 10000, "uniform"), recipe(nxt(), 9999, "uniform", loc=5.0))
    # Skewed vs bell, other shapes.
    add("skew vs uniform 400 vs 900", recipe(nxt(), 400, "skew"), recipe(nxt(), 900, "uniform"))
    # Forced methods.
    add("forced asymp 50 vs 60", recipe(nxt(), 50), recipe(nxt(), 60, loc=0.3), "asymp")
    add("forced asymp 1000 vs 1000", recipe(nxt(), 1000), recipe(nxt(), 1000, loc=0.1), "asymp")
    add("forced exact 20000 vs 15000", recipe(nxt(), 20000), recipe(nxt(), 15000, loc=0.02), "exact")
    add("forced exact 19997 vs 19999", recipe(nxt(), 19997), recipe(nxt(), 19999, loc=0.01), "exact")
    return cases


def kstwo_grid():
    rows = []
    for n in [1, 2, 3, 5, 10, 50, 140, 141, 500, 1000, 5000, 10000, 50000, 100000, 100001, 500000,
              1000000, 2000000]:
        for d in [1e-4, 1e-3, 0.003, 0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.45, 0.5, 0.6,
                  0.75, 0.9, 0.99]:
            rows.append([n, d, num(stats.kstwo.sf(d, n))])
    return rows


# ---------------------------------------------------------------- special functions


def special_grid():
    gamma = []
    for a in [0.05, 0.1, 0.5, 1, 1.5, 2.5, 5, 9.5, 10, 10.5, 19.5, 20.5, 25, 50, 100, 150, 199, 201, 250,
              1000, 5000, 1e5]:
        for r in [0.01, 0.1, 0.5, 0.8, 0.9, 0.95, 0.99, 1, 1.01, 1.05, 1.1, 1.2, 1.5, 2, 5, 10]:
            gamma.append([a, a * r, num(special.gammaincc(a, a * r))])
        for x in [0.01, 0.3, 0.5, 0.7, 1.0, 1.1, 1.5]:
            gamma.append([a, x, num(special.gammaincc(a, x))])
    xs = [float(x) for x in np.linspace(-6, 6, 121)] + [-30, -10, 7, 8, 10, 15, 20, 25, 26.5, 27, 0.7071, 1.0001]
    erfc = [[x, num(special.erfc(x)), num(special.erf(x)), num(stats.norm.sf(x))] for x in xs]
    lgam = [[x, num(special.gammaln(x))] for x in
            [1e-10, 1e-3, 0.1, 0.3, 0.5, 0.9, 1, 1.2, 1.5, 1.9999, 2, 2.5, 3, 4.5, 7.25, 9.99, 10, 10.5, 30, 100,
             1234.5, 1e6, 1e10]]
    chi2 = [[x, df, num(stats.chi2.sf(x, df))] for df in [1, 2, 3, 7, 19, 49, 99] for x in
            [0.0, 0.01, 0.5, 1, 3, 7, 15, 40, 100, 300]]
    kolm = [[x, num(stats.kstwobign.sf(x))] for x in [0.01, 0.05, 0.2, 0.5, 0.8, 0.82, 0.83, 1, 1.36, 2, 3, 5, 7]]
    smir = [[n, x, num(special.smirnov(n, x))] for n in [1, 2, 5, 30, 141, 1000, 100000] for x in
            [0.01, 0.05, 0.1, 0.2, 0.5, 0.7, 0.95]]
    out = {"gammaincc": gamma, "erfc": erfc, "gammaln": lgam, "chi2sf": chi2, "kstwobign": kolm,
           "smirnov": smir}
    try:  # 40-digit reference values where scipy's own float64 results carry ~1e-13 errors
        import mpmath

        mpmath.mp.dps = 40
        out["gammainccMpmath"] = [
            [a, a * r, float(mpmath.gammainc(a, a * r, mpmath.inf, regularized=True))]
            for a in [0.5, 3, 25, 50, 100, 199, 201, 250, 1000, 5000]
            for r in [0.5, 0.9, 1, 1.1, 1.5, 3, 5]
        ]
        out["gammalnMpmath"] = [[x, float(mpmath.loggamma(x))] for x in [0.1, 0.999, 1.0001, 1.5, 1.9999, 2.001, 3.7, 12.5]]
    except ImportError:
        pass
    return out


# ---------------------------------------------------------------- chi-square, z


def chisquare_cases():
    rng = np.random.default_rng(20240611)
    cases = []
    for k in [2, 3, 5, 10, 20, 50]:
        for scale in [10, 1000, 1e6]:
            obs = rng.integers(0, int(scale), size=k).astype(float)
            obs[rng.integers(0, k)] = 0.0  # at least one zero observation
            if obs.sum() == 0:
                obs[0] = 1.0
            shares = rng.dirichlet(np.ones(k)) + 0.01
            exp = shares / shares.sum() * obs.sum()
            r = stats.chisquare(obs, exp)
            cases.append({"observed": obs.tolist(), "expected": exp.tolist(),
                          "statistic": num(r.statistic), "pvalue": num(r.pvalue)})
    # Uniform expectation (scipy's default f_exp), exact match.
    obs = [16.0, 18.0, 16.0, 14.0, 12.0, 12.0]
    r = stats.chisquare(obs)
    cases.append({"observed": obs, "expected": [float(np.mean(obs))] * 6,
                  "statistic": num(r.statistic), "pvalue": num(r.pvalue)})
    return cases


def policy(p, q):
    """modelgate's epsilon policy: drop bins empty on both sides, normalise, clip at 1e-4, renormalise."""
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    keep = (p > 0) | (q > 0)
    p, q = p[keep], q[keep]
    out = []
    for w in (p, q):
        s = w / w.sum()
        s = np.maximum(s, EPSILON)
        out.append(s / s.sum())
    return out[0], out[1], keep


def two_sample_chisquare_cases():
    rng = np.random.default_rng(7)
    cases = []
    for k, total_ref, total_cur, zeros in [(3, 100, 80, 0), (5, 1000, 1200, 1), (10, 5000, 300, 2),
                                           (20, 100000, 90000, 3), (8, 50, 50, 4)]:
        ref = rng.multinomial(total_ref, rng.dirichlet(np.ones(k))).astype(float)
        cur = rng.multinomial(total_cur, rng.dirichlet(np.ones(k))).astype(float)
        idx = rng.choice(k, size=zeros, replace=False)
        for j, i in enumerate(idx):
            if j % 3 == 0:
                ref[i] = 0.0
            elif j % 3 == 1:
                cur[i] = 0.0
            else:
                ref[i] = cur[i] = 0.0
        r_sh, _, keep = policy(ref, cur)
        obs = cur[keep]
        exp = r_sh * obs.sum()
        r = stats.chisquare(obs, exp)
        cases.append({"ref": ref.tolist(), "cur": cur.tolist(),
                      "statistic": num(r.statistic), "pvalue": num(r.pvalue)})
    return cases


def ztest_cases():
    cases = []
    for x1, n1, x2, n2 in [(10, 100, 12, 100), (0, 50, 5, 60), (500, 1000, 560, 1000), (1, 3, 2, 3),
                           (12345, 100000, 12000, 100000), (7, 10000, 30, 12000), (99, 100, 50, 100),
                           (3, 1000000, 3, 10), (400, 400, 399, 400), (5, 10, 5, 10)]:
        count = np.array([x1, x2], dtype=float)
        nobs = np.array([n1, n2], dtype=float)
        prop = count * 1.0 / nobs
        diff = prop[0] - prop[1]
        p_pooled = np.sum(count) * 1.0 / np.sum(nobs)
        nobs_fact = np.sum(1.0 / nobs)
        var_ = p_pooled * (1 - p_pooled) * nobs_fact
        z = diff / np.sqrt(var_)
        p = stats.norm.sf(np.abs(z)) * 2
        cases.append({"x1": x1, "n1": n1, "x2": x2, "n2": n2, "statistic": num(z), "pvalue": num(p)})
    return cases


# ---------------------------------------------------------------- binned distances, Wasserstein


def binned_cases():
    rng = np.random.default_rng(99)
    cases = []
    specs = [(2, 0), (4, 1), (10, 2), (10, 0), (25, 5), (50, 10)]
    for k, zeros in specs:
        for total in [100, 100000]:
            p = rng.multinomial(total, rng.dirichlet(np.ones(k))).astype(float)
            q = rng.multinomial(total, rng.dirichlet(np.ones(k) * 3)).astype(float)
            for j, i in enumerate(rng.choice(k, size=zeros, replace=False)):
                if j % 3 == 0:
                    p[i] = 0.0
                elif j % 3 == 1:
                    q[i] = 0.0
                else:
                    p[i] = q[i] = 0.0
            cases.append(binned_case(p, q))
    same = rng.multinomial(1000, np.ones(6) / 6).astype(float)
    cases.append(binned_case(same, same.copy()))
    cases.append(binned_case(np.array([5.0, 0.0, 0.0]), np.array([0.0, 0.0, 7.0])))  # disjoint
    cases.append(binned_case(np.array([0.2, 0.3, 0.5]), np.array([0.25, 0.25, 0.5])))  # shares
    return cases


def binned_case(p, q):
    ps, qs, _ = policy(p, q)
    return {
        "p": p.tolist(), "q": q.tolist(),
        "psi": num(np.sum((qs - ps) * np.log(qs / ps))),
        "kl": num(stats.entropy(ps, qs)),
        "klReverse": num(stats.entropy(qs, ps)),
        "js": num(jensenshannon(ps, qs)),
        "js2": num(jensenshannon(ps, qs, base=2)),
        "hellinger": num(np.sqrt(np.sum((np.sqrt(ps) - np.sqrt(qs)) ** 2) / 2)),
    }


def wasserstein_cases():
    cases = []
    seed = [5000]

    def nxt():
        seed[0] += 1
        return seed[0]

    def add(label, a, b):
        xa = a if isinstance(a, list) else sample(a)
        xb = b if isinstance(b, list) else sample(b)
        wd = stats.wasserstein_distance(xa, xb)
        std = np.std(xa)
        cases.append({"label": label, "a": a, "b": b, "distance": num(wd),
                      "normed": num(wd / std if std > 0 else wd)})

    add("raw", [0.0, 1.0, 3.0], [5.0, 6.0, 8.0])
    add("raw ties", [1.0, 1.0, 2.0, 2.0, 2.0], [2.0, 2.0, 3.0])
    add("raw constant reference", [4.0, 4.0, 4.0], [3.0, 5.0])
    add("raw singletons", [1.5], [-2.0])
    for n1, n2, kind, shift in [(1, 7, "bell", 0.0), (10, 10, "bell", 0.5), (100, 37, "skew", 0.1),
                                (1000, 1000, "bell", 0.0), (1000, 1000, "bell", 0.05), (5000, 20000, "uniform", 0.3),
                                (20000, 20000, "skew", 2.0), (3000, 2000, "ties", 1.0)]:
        k = 4 if kind == "ties" else 1
        add(f"{kind} {n1} vs {n2} shift {shift}", recipe(nxt(), n1, kind, k=k),
            recipe(nxt(), n2, kind, loc=shift, scale=1.5, k=k))
    return cases


def main():
    os.makedirs(OUT, exist_ok=True)
    write("ks.json", {"cases": ks_cases()})
    write("kstwo.json", {"rows": kstwo_grid()})
    write("special.json", special_grid())
    write("chisquare.json", {"cases": chisquare_cases(), "twoSample": two_sample_chisquare_cases()})
    write("ztest.json", {"cases": ztest_cases()})
    write("binned.json", {"epsilon": EPSILON, "cases": binned_cases()})
    write("wasserstein.json", {"cases": wasserstein_cases()})


if __name__ == "__main__":
    main()
