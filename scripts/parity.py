#!/usr/bin/python3
"""Recompute a finished poc run's metrics independently and compare them.

Usage (Debian's interpreter, which has the packaged SciPy stack):

    /usr/bin/python3 scripts/parity.py results/card-fraud-screening/<run-id>

Reads predictions.jsonl, metrics.json and manifest.json from the run folder
(and the experiment file named in the manifest, for the metric types),
recomputes every metric it knows with numpy / scikit-learn / statsmodels,
and the Wilson and order-statistic intervals, and prints one row per
checked quantity: OK (within 1e-9), MISMATCH, or SKIPPED with the reason.
Exit status: 0 when nothing mismatched, 1 on any mismatch, 2 on a usage or
input error.

Semantics, as poc's metrics package defines them:
- records with an empty truth are left out of label metrics;
- binary metrics: flagged = no error and label == dataset.positive; a
  failed prediction (error set) counts as "not flagged";
- multi-class metrics (accuracy, macro_f1): a failed or empty prediction
  is no prediction (wrong for accuracy; a false negative of the true class,
  a false positive of no class, for macro F1);
- latency_pXX over every record (numpy.percentile, linear); error_rate =
  failed / records; cost_per_record = mean cost; cost_total = sum.
Bootstrap intervals are not recomputed (poc's resampling stream is its own
PCG generator): they are SKIPPED.
"""
import csv
import json
import math
import os
import sys

import numpy as np
from scipy import stats
from sklearn.metrics import f1_score
from statsmodels.stats.proportion import proportion_confint

TOL = 1e-9

BINARY = {
    # type: (numerator, denominator) from the confusion counts
    "precision": lambda c: (c["tp"], c["tp"] + c["fp"]),
    "recall": lambda c: (c["tp"], c["tp"] + c["fn"]),
    "f1": lambda c: (2 * c["tp"], 2 * c["tp"] + c["fp"] + c["fn"]),
    "specificity": lambda c: (c["tn"], c["tn"] + c["fp"]),
    "false_positive_rate": lambda c: (c["fp"], c["fp"] + c["tn"]),
    "flag_rate": lambda c: (c["tp"] + c["fp"], c["tp"] + c["fp"] + c["fn"] + c["tn"]),
}
PROPORTION = {"precision", "recall", "specificity", "false_positive_rate", "flag_rate", "accuracy", "error_rate"}
LATENCY = {"latency_p50": 0.50, "latency_p95": 0.95, "latency_p99": 0.99}
KNOWN = set(BINARY) | {"accuracy", "macro_f1", "error_rate", "cost_per_record", "cost_total",
                       "weighted_recall", "weighted_precision", "latency"} | set(LATENCY)


def fail(msg):
    print(f"parity: {msg}", file=sys.stderr)
    sys.exit(2)


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        fail(f"read {path}: {e}")


def metric_specs(experiment_file):
    """name -> spec dict (with 'type') from the experiment file's metrics list."""
    try:
        import yaml
    except ImportError:
        yaml = None
    specs = {}
    if yaml is None or not experiment_file or not os.path.exists(experiment_file):
        return specs, "experiment file not readable (or no PyYAML): metric types inferred from names"
    with open(experiment_file) as f:
        doc = yaml.safe_load(f) or {}
    for m in doc.get("metrics") or []:
        if isinstance(m, str):
            specs[m] = {"name": m, "type": m}
        elif isinstance(m, dict):
            name = m.get("name") or m.get("type")
            specs[name] = dict(m, type=m.get("type") or name)
    return specs, None


def load_weights(manifest, column):
    """id -> weight from the dataset (CSV natively; parquet needs pandas with pyarrow/fastparquet)."""
    ds = manifest.get("dataset", {})
    path, idcol = ds.get("path"), ds.get("id")
    if not path or not idcol:
        return None, "the manifest names no dataset path or id column"
    fmt = ds.get("format") or os.path.splitext(path)[1].lstrip(".")
    try:
        if fmt == "csv":
            with open(path, newline="") as f:
                return {r[idcol]: r[column] for r in csv.DictReader(f)}, None
        import pandas as pd
        df = pd.read_parquet(path, columns=[idcol, column])
        return dict(zip(df[idcol].astype(str), df[column])), None
    except Exception as e:  # no parquet engine, missing column, ...
        return None, f"cannot read weight column {column!r} from {os.path.basename(path)}: {type(e).__name__}: {str(e).splitlines()[0][:80]}"


def to_float(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return math.nan


def recompute(mtype, spec, preds, positive, conf, manifest, weight_cache):
    """Returns dict(value, n, interval=(lo, hi, method) or None) or raises Skip."""
    labelled = [p for p in preds if p.get("truth", "") != ""]
    failed = lambda p: bool(p.get("error"))
    if mtype in BINARY:
        c = dict(tp=0, fp=0, fn=0, tn=0)
        for p in labelled:
            flagged = not failed(p) and p.get("label", "") == positive
            pos = p["truth"] == positive
            c["tp" if pos and flagged else "fn" if pos else "fp" if flagged else "tn"] += 1
        num, den = BINARY[mtype](c)
        return dict(value=num / den if den else math.nan, n=den, counts=(num, den))
    if mtype in ("accuracy", "macro_f1"):
        y = [p["truth"] for p in labelled]
        yhat = ["" if failed(p) else p.get("label", "") for p in labelled]
        if mtype == "accuracy":
            num = sum(a == b for a, b in zip(y, yhat))
            return dict(value=num / len(y) if y else math.nan, n=len(y), counts=(num, len(y)))
        classes = sorted(set(y) | {b for b in yhat if b != ""})
        none = "\x00(none)"
        yhat = [b if b != "" else none for b in yhat]
        v = f1_score(y, yhat, labels=classes, average="macro", zero_division=0) if y else math.nan
        return dict(value=float(v), n=len(y))
    if mtype in LATENCY or mtype == "latency":
        q = LATENCY.get(mtype, spec.get("quantile"))
        ms = np.array([to_float(p.get("latency_ms", 0)) for p in preds])
        v = float(np.percentile(ms, 100 * q))
        return dict(value=v, n=len(ms), quantile=(ms, q))
    if mtype == "error_rate":
        k = sum(failed(p) for p in preds)
        return dict(value=k / len(preds), n=len(preds), counts=(k, len(preds)))
    if mtype in ("cost_per_record", "cost_total"):
        cost = np.array([to_float(p.get("cost", 0) or 0) for p in preds])
        return dict(value=float(cost.sum() if mtype == "cost_total" else cost.mean()), n=len(preds))
    if mtype in ("weighted_recall", "weighted_precision"):
        col = spec.get("weight")
        if col not in weight_cache:
            weight_cache[col] = load_weights(manifest, col)
        weights, why = weight_cache[col]
        if weights is None:
            raise Skip(why)
        num = den = 0.0
        n = 0
        for p in labelled:
            flagged = not failed(p) and p.get("label", "") == positive
            pos = p["truth"] == positive
            w = to_float(weights.get(p["id"]))
            if math.isnan(w):
                continue
            if (mtype == "weighted_recall" and pos) or (mtype == "weighted_precision" and flagged):
                den += w
                n += 1
                if (pos and flagged):
                    num += w
        return dict(value=num / den if den else math.nan, n=n)
    raise Skip(f"metric type {mtype!r} not known to parity.py")


class Skip(Exception):
    pass


def close(a, b):
    if a is None or b is None:
        return a is b
    a, b = float(a), float(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= TOL * max(1.0, abs(a), abs(b))


def order_statistic_ci(ms, q, conf):
    """scipy>=1.11 quantile_test(...).confidence_interval, as internal/stats/testdata/reference.py."""
    x = np.sort(ms)
    n = len(x)
    bd = stats.binom(n, q)
    a = (1 - conf) / 2
    li = int(bd.ppf(a)) - 1
    hi = int(bd.isf(a))
    return (x[li] if li >= 0 else math.nan), (x[hi] if hi < n else math.nan)


def main(argv):
    if len(argv) != 2:
        fail("usage: parity.py RUN_FOLDER")
    run = argv[1]
    manifest = load_json(os.path.join(run, "manifest.json"))
    metrics = load_json(os.path.join(run, "metrics.json"))
    preds = {}
    try:
        with open(os.path.join(run, "predictions.jsonl")) as f:
            for line in f:
                if line.strip():
                    p = json.loads(line)
                    preds.setdefault(p["pipeline"], []).append(p)
    except (OSError, ValueError, KeyError) as e:
        fail(f"read predictions.jsonl: {e}")
    positive = str(manifest.get("dataset", {}).get("positive") or "1")
    conf = float(metrics.get("confidence", 0.95))
    specs, note = metric_specs(manifest.get("experiment", {}).get("file"))
    notes = [note] if note else []
    weight_cache = {}

    rows = []
    for pl in metrics.get("pipelines", []):
        name = pl["name"]
        ps = sorted(preds.get(name, []), key=lambda p: p.get("seq", 0))
        for m in pl.get("metrics", []):
            mname = m["metric"]
            spec = specs.get(mname, {"type": mname})
            mtype = spec.get("type", mname)
            where = f"{name} / {mname}" + (f" ({mtype})" if mtype != mname else "")
            if not ps:
                rows.append((where, "value", m.get("value"), None, "SKIPPED", "no predictions for this pipeline"))
                continue
            try:
                r = recompute(mtype, spec, ps, positive, conf, manifest, weight_cache)
            except Skip as s:
                rows.append((where, "value", m.get("value"), None, "SKIPPED", str(s)))
                continue
            got_v = m.get("value")
            got_v = math.nan if got_v is None else got_v
            rows.append((where, "value", got_v, r["value"], "OK" if close(got_v, r["value"]) else "MISMATCH", ""))
            if "n" in m:
                rows.append((where, "n", m["n"], r["n"], "OK" if m["n"] == r["n"] else "MISMATCH", ""))
            iv = m.get("interval")
            if not iv:
                continue
            method = iv.get("method", "")
            lo, hi = iv.get("lo"), iv.get("hi")
            lo = math.nan if lo is None else lo
            hi = math.nan if hi is None else hi
            if method == "none" or (math.isnan(lo) and math.isnan(hi) and math.isnan(r["value"])):
                ok = math.isnan(lo) and math.isnan(hi) and math.isnan(r["value"])
                rows.append((where, "interval", f"[{lo}, {hi}]", "[nan, nan]", "OK" if ok else "MISMATCH", "undefined metric: no interval"))
            elif method == "wilson" and "counts" in r:
                k, n = r["counts"]
                elo, ehi = proportion_confint(k, n, alpha=1 - conf, method="wilson") if n else (0.0, 1.0)
                ok = close(lo, elo) and close(hi, ehi)
                rows.append((where, "wilson", f"[{lo:.12g}, {hi:.12g}]", f"[{elo:.12g}, {ehi:.12g}]", "OK" if ok else "MISMATCH", "statsmodels"))
            elif method == "order-statistic" and "quantile" in r:
                elo, ehi = order_statistic_ci(*r["quantile"], conf)
                ok = close(lo, elo) and close(hi, ehi)
                rows.append((where, "order-stat", f"[{lo:.12g}, {hi:.12g}]", f"[{elo:.12g}, {ehi:.12g}]", "OK" if ok else "MISMATCH", "scipy binom"))
            else:
                rows.append((where, "interval", f"[{lo:.6g}, {hi:.6g}]", None, "SKIPPED", f"{method}: resampling not reproducible outside poc"))

    w = max(len(r[0]) for r in rows) if rows else 10
    print(f"parity check of {run}  (tolerance {TOL:g}, confidence {conf})")
    print(f"{'pipeline / metric':<{w}}  {'field':<10}  {'poc':<34}  {'recomputed':<34}  status")
    for where, field, got, exp, status, why in rows:
        g = got if isinstance(got, str) else f"{got:.15g}" if isinstance(got, float) else str(got)
        e = "" if exp is None else exp if isinstance(exp, str) else f"{exp:.15g}" if isinstance(exp, float) else str(exp)
        print(f"{where:<{w}}  {field:<10}  {g:<34}  {e:<34}  {status}{'  (' + why + ')' if why else ''}")
    counts = {s: sum(r[4] == s for r in rows) for s in ("OK", "MISMATCH", "SKIPPED")}
    for n in notes:
        print(f"note: {n}")
    print(f"{counts['OK']} OK, {counts['MISMATCH']} MISMATCH, {counts['SKIPPED']} SKIPPED")
    return 1 if counts["MISMATCH"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
