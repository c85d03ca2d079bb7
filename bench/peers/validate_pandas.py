"""Peer of bench/validate-throughput.ts: pandas reads a CSV and checks a data contract's column rules.

    python3 bench/peers/validate_pandas.py DATA.csv CONTRACT.json

The contract is modelgate's (JSON form of data.contract.yml). Checked per column: presence, type
(numbers parse, booleans are true/false/1/0), nullable and max_missing share, min/max, categories,
uniqueness; dataset: min_rows/max_rows and the label's class shares. Prints one JSON line: pandas'
version, the best of 2 times (read + checks, in seconds) and the violations found, or {"skip": why}
when pandas is missing.
"""

import json
import sys
import time

try:
    import pandas as pd
except ImportError as e:
    print(json.dumps({"skip": str(e)}))
    sys.exit(0)

path, contract_path = sys.argv[1], sys.argv[2]
with open(contract_path) as f:
    contract = json.load(f)


def key(v):
    # modelgate compares categories as text; CSV numbers read back as numbers.
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def validate():
    df = pd.read_csv(path, keep_default_na=False, na_values=[""], low_memory=False)
    rows = len(df)
    found = []
    for name, rule in contract["columns"].items():
        if name not in df.columns:
            if rule.get("required", True):
                found.append((name, "required", rows))
            continue
        col = df[name]
        miss = col.isna()
        n_miss = int(miss.sum())
        if n_miss and not rule.get("nullable", True):
            found.append((name, "nullable", n_miss))
        if "max_missing" in rule and rows and n_miss / rows > rule["max_missing"]:
            found.append((name, "max_missing", n_miss))
        present = col[~miss]
        kind = rule["type"]
        if kind == "number":
            num = pd.to_numeric(present, errors="coerce")
            bad = int(num.isna().sum())
            if bad:
                found.append((name, "type", bad))
            num = num.dropna()
            if "min" in rule and (c := int((num < rule["min"]).sum())):
                found.append((name, "min", c))
            if "max" in rule and (c := int((num > rule["max"]).sum())):
                found.append((name, "max", c))
        elif kind == "boolean":
            ok = present.astype(str).isin(["true", "True", "TRUE", "1", "false", "False", "FALSE", "0"])
            if c := int((~ok).sum()):
                found.append((name, "type", c))
        if "categories" in rule:
            allowed = {key(v) for v in rule["categories"]}
            text = present.map(key) if present.dtype != object else present
            if c := int((~text.isin(allowed)).sum()):
                found.append((name, "categories", c))
        if rule.get("unique") and (c := int(present.duplicated().sum())):
            found.append((name, "unique", c))
    ds = contract.get("dataset") or {}
    if "min_rows" in ds and rows < ds["min_rows"]:
        found.append((None, "min_rows", rows))
    if "max_rows" in ds and rows > ds["max_rows"]:
        found.append((None, "max_rows", rows))
    label = ds.get("label")
    if label and label["column"] in df.columns:
        shares = df[label["column"]].dropna().map(key).value_counts(normalize=True)
        for cls, share in shares.items():
            if share < label.get("min_share", 0) or share > label.get("max_share", 1):
                found.append((label["column"], "label_share", cls))
    return found


best = float("inf")
for _ in range(2):
    t = time.perf_counter()
    found = validate()
    best = min(best, time.perf_counter() - t)
print(json.dumps({"pandas": pd.__version__, "seconds": best, "violations": found}))
