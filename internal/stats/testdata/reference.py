#!/usr/bin/python3
"""Reference values for package stats (internal/stats).

Run with Debian's interpreter, which has the packaged SciPy stack:

    /usr/bin/python3 internal/stats/testdata/reference.py

Versions used when the numbers in the Go tests were produced:
numpy 1.24.2, scipy 1.10.1, statsmodels 0.13.5 (Debian bookworm packages).

Every block prints the exact call that produced its numbers; the Go tests
quote the same call in a comment next to the pasted values. The Go tests do
not need Python: this script only documents where the numbers came from.
"""
import numpy as np
import scipy
import statsmodels
from scipy import stats
from scipy.special import ndtr, ndtri
from scipy.stats import _resampling
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportion_confint

print(f"# numpy {np.__version__}, scipy {scipy.__version__}, statsmodels {statsmodels.__version__}")


def show(label, *vals):
    print(label, " ".join(repr(float(v)) for v in vals))


# ---------------------------------------------------------------- Wilson
print("\n## Wilson: statsmodels.stats.proportion.proportion_confint(count, nobs, alpha, method='wilson')")
for count, nobs, conf in [(81, 263, 0.95), (15, 148, 0.95), (0, 20, 0.95), (1, 29, 0.95),
                          (29, 29, 0.95), (5, 10, 0.90), (950, 1000, 0.99), (1, 1, 0.95)]:
    lo, hi = proportion_confint(count, nobs, alpha=1 - conf, method="wilson")
    show(f"wilson count={count} nobs={nobs} conf={conf}:", lo, hi)

# ---------------------------------------------------------------- Z
print("\n## Z: scipy.stats.norm.ppf(1 - (1 - conf)/2)")
for conf in [0.8, 0.9, 0.95, 0.99, 0.999]:
    show(f"z conf={conf}:", stats.norm.ppf(1 - (1 - conf) / 2))

# ---------------------------------------------------------------- McNemar
print("\n## McNemar exact: statsmodels.stats.contingency_tables.mcnemar([[0, b], [c, 0]], exact=True).pvalue")
for b, c in [(1, 7), (25, 15), (61, 27), (16, 6), (10, 10), (0, 5), (3, 0), (120, 80)]:
    show(f"mcnemar b={b} c={c}:", mcnemar([[0, b], [c, 0]], exact=True).pvalue)

# ---------------------------------------------------------------- Quantiles
# A fixed 30-value dataset (latencies in seconds), deliberately unsorted.
QDATA = np.array([
    1.42, 0.87, 2.31, 0.95, 1.10, 3.75, 0.66, 1.28, 1.93, 0.74,
    1.05, 2.88, 1.61, 0.92, 1.37, 5.12, 0.81, 1.19, 1.74, 2.05,
    0.99, 1.23, 4.40, 0.70, 1.55, 1.01, 2.62, 1.14, 0.88, 1.49,
])
print("\n## Quantile: numpy.percentile(QDATA, 100*q) (default method='linear', Hyndman-Fan type 7)")
for q in [0.0, 0.1, 0.25, 0.5, 0.9, 0.95, 0.99, 1.0]:
    show(f"quantile q={q}:", np.percentile(QDATA, 100 * q))


def quantile_test_ci(x, p, confidence_level=0.95):
    """Two-sided branch of scipy.stats.quantile_test(x, q=..., p=p).confidence_interval(confidence_level).

    Debian's scipy 1.10.1 predates quantile_test (added in scipy 1.11), so this
    is a line-for-line copy of QuantileTestResult.confidence_interval from
    scipy >= 1.11 (scipy/stats/_stats_py.py), i.e. the order-statistic interval
    of Hahn & Meeker (1991) / Conover (1999) computed with scipy.stats.binom.
    """
    x = np.sort(x)
    n = len(x)
    bd = stats.binom(n, p)
    a = (1 - confidence_level) / 2
    low_index = int(bd.ppf(a)) - 1
    low = x[low_index] if low_index >= 0 else np.nan
    high_index = int(bd.isf(a))
    high = x[high_index] if high_index < n else np.nan
    return low, high, low_index, high_index


print("\n## QuantileInterval: scipy>=1.11 quantile_test(QDATA, p=q).confidence_interval(conf), "
      "reproduced with scipy.stats.binom(n, q).ppf/isf (0-based indices printed too)")
for q, conf in [(0.5, 0.95), (0.1, 0.95), (0.9, 0.95), (0.25, 0.90), (0.95, 0.95), (0.5, 0.99)]:
    lo, hi, li, hi_i = quantile_test_ci(QDATA, q, conf)
    show(f"qci q={q} conf={conf} lo_idx={li} hi_idx={hi_i}:", lo, hi)

# ---------------------------------------------------------------- BCa / percentile on fixed replicates
# Replicates and jackknife values defined by integer formulas so that Go can
# rebuild them bit for bit (see fixedReplicates / fixedJackknife in the Go tests).
B = 1000
rep = np.array([3.0 * (((b * 7919 + 13) % 1000) + 0.5) ** 2 / 1e6 for b in range(B)])  # skewed, no ties
NJ = 25
jack = np.array([(((i * 37) % 25) ** 2) / 100.0 for i in range(NJ)])  # skewed leave-one-out values
# Tie-heavy replicates: an "accuracy" on 50 records, values k/50.
rep_ties = np.array([((b * 31 + 7) % 11 + 35) / 50.0 for b in range(B)])


def bca_from_values(theta_hat, theta_b, jack_vals, conf):
    """scipy 1.10.1 scipy.stats._resampling._bca_interval, fed with given jackknife values.

    Same statements as scipy: z0 from _percentile_of_score (the mid-rank share
    (#{theta* < theta_hat} + #{theta* <= theta_hat}) / 2B), acceleration from
    U = (n-1)(mean(jack) - jack), levels through ndtr/ndtri, and the interval
    from _percentile_along_axis (np.percentile, linear).
    """
    alpha = (1 - conf) / 2
    theta_b = np.asarray(theta_b)[None, :]
    percentile = _resampling._percentile_of_score(theta_b, np.asarray(theta_hat)[None, None], axis=-1)
    z0_hat = ndtri(percentile)
    n = len(jack_vals)
    U = (n - 1) * (np.mean(jack_vals) - np.asarray(jack_vals))
    a_hat = 1 / 6 * ((U ** 3).sum() / n ** 3) / ((U ** 2).sum() / n ** 2) ** (3 / 2)
    z_alpha = ndtri(alpha)
    num1 = z0_hat + z_alpha
    alpha_1 = ndtr(z0_hat + num1 / (1 - a_hat * num1))
    num2 = z0_hat - z_alpha
    alpha_2 = ndtr(z0_hat + num2 / (1 - a_hat * num2))
    lo = _resampling._percentile_along_axis(theta_b, alpha_1 * 100)[0]
    hi = _resampling._percentile_along_axis(theta_b, alpha_2 * 100)[0]
    return float(z0_hat[0]), float(a_hat), float(alpha_1[0]), float(alpha_2[0]), lo, hi


print("\n## Percentile on fixed replicates: np.percentile(rep, [100*alpha, 100*(1-alpha)]), alpha=(1-conf)/2")
for name, r in [("rep", rep), ("rep_ties", rep_ties)]:
    for conf in [0.95, 0.90]:
        a = (1 - conf) / 2
        show(f"pct {name} conf={conf}:", *np.percentile(r, [100 * a, 100 * (1 - a)]))

print("\n## BCa on fixed replicates (z0, a, alpha1, alpha2, lo, hi): bca_from_values(theta_hat, rep, jack, conf)")
for name, r, th in [("rep", rep, 0.9), ("rep", rep, 1.2), ("rep_ties", rep_ties, 0.8), ("rep_ties", rep_ties, 0.76)]:
    for conf in [0.95, 0.90]:
        show(f"bca {name} theta_hat={th} conf={conf}:", *bca_from_values(th, r, jack, conf))

# ---------------------------------------------------------------- scipy's own _bca_interval
# 20-value dataset for the mean (response times in seconds, right-skewed).
BDATA = np.array([
    0.82, 1.10, 0.95, 1.47, 0.61, 2.30, 1.05, 0.77, 1.21, 3.10,
    0.88, 1.02, 0.69, 1.64, 0.93, 1.35, 0.72, 1.88, 0.99, 1.15,
])
print("\n## scipy.stats._resampling._bca_interval((BDATA,), np.mean, axis=-1, alpha=0.025, theta_hat_b=rep[None,:], batch=None)")
a1, a2, ah = _resampling._bca_interval((BDATA,), np.mean, -1, 0.025, rep[None, :], None)
show("scipy _bca_interval alpha1 alpha2 a_hat:", a1[0], a2[0], ah)
jk = np.array([np.mean(np.delete(BDATA, i)) for i in range(len(BDATA))])
mine = bca_from_values(np.mean(BDATA), rep, jk, 0.95)
show("bca_from_values(mean(BDATA), rep, jackknife-of-mean, 0.95) z0 a alpha1 alpha2 lo hi:", *mine)

print("\n## scipy.stats.bootstrap((BDATA,), np.mean, n_resamples=99999, confidence_level=0.95, "
      "method=M, random_state=np.random.default_rng(20240601))")
for m in ["BCa", "percentile"]:
    res = stats.bootstrap((BDATA,), np.mean, n_resamples=99999, confidence_level=0.95, method=m,
                          random_state=np.random.default_rng(20240601))
    show(f"scipy bootstrap {m}:", res.confidence_interval.low, res.confidence_interval.high)
show("mean(BDATA):", np.mean(BDATA))

# Paired: candidate minus baseline accuracy on the same 40 records.
print("\n## scipy.stats.bootstrap((base, cand), lambda b, c: mean(c) - mean(b), paired=True, vectorized=False, "
      "n_resamples=99999, method=M, random_state=np.random.default_rng(7))")
PBASE = np.array([1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1,
                  1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 1, 1, 0, 1, 1, 0], dtype=float)
PCAND = np.array([1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 1,
                  1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 0], dtype=float)
for m in ["BCa", "percentile"]:
    res = stats.bootstrap((PBASE, PCAND), lambda b, c: np.mean(c) - np.mean(b), paired=True,
                          vectorized=False, n_resamples=99999, confidence_level=0.95, method=m,
                          random_state=np.random.default_rng(7))
    show(f"scipy paired bootstrap {m}:", res.confidence_interval.low, res.confidence_interval.high)
show("paired diff mean(cand)-mean(base):", PCAND.mean() - PBASE.mean())
