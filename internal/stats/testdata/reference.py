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

# ================================================================ added for McNemar mid-p/asymptotic,
# DeLong, sample sizes, Holm and one-sided p-values
import math
import os
from scipy.optimize import brentq
from sklearn.metrics import roc_auc_score
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize, proportions_ztest
import sklearn

print(f"\n# sklearn {sklearn.__version__}")

# ---------------------------------------------------------------- McNemar mid-p and asymptotic
print("\n## McNemar mid-p: 2*scipy.stats.binom.cdf(k, n, .5) - binom.pmf(k, n, .5), k=min(b,c); "
      "b == c: 1 - binom.pmf(k, n, .5)/2 (Fagerland et al. 2013)")
MCN = [(1, 7), (25, 15), (61, 27), (16, 6), (10, 10), (0, 5), (3, 0), (120, 80)]
for b, c in MCN:
    n, k = b + c, min(b, c)
    midp = 1 - stats.binom.pmf(k, n, 0.5) / 2 if b == c else 2 * stats.binom.cdf(k, n, 0.5) - stats.binom.pmf(k, n, 0.5)
    show(f"midp b={b} c={c}:", midp)
print("\n## McNemar asymptotic: mcnemar([[0, b], [c, 0]], exact=False, correction=C) -> statistic, pvalue")
for b, c in MCN:
    for corr in (False, True):
        r = mcnemar([[0, b], [c, 0]], exact=False, correction=corr)
        show(f"asym b={b} c={c} correction={corr}:", r.statistic, r.pvalue)

# ---------------------------------------------------------------- DeLong
here = os.path.dirname(os.path.abspath(__file__))
ASAH = [line.strip().split(",") for line in open(os.path.join(here, "asah.csv")).read().split("\n")[1:] if line.strip()]
ASAH_COLS = {"wfns": 1, "s100b": 2, "ndka": 3}


def asah(marker, outcome):
    return np.array([float(r[ASAH_COLS[marker]]) for r in ASAH if r[0] == outcome])


def psi(x, y):
    return 1.0 if x > y else (0.5 if x == y else 0.0)


def placements_direct(P, N):
    """DeLong et al. (1988) placement values by the O(mn) definition."""
    v10 = np.array([np.mean([psi(x, y) for y in N]) for x in P])
    v01 = np.array([np.mean([psi(x, y) for x in P]) for y in N])
    return v10, v01


def delong_direct(P1, N1, P2, N2, conf=0.95):
    """Direct O(mn) DeLong test: S = S10/m + S01/n with np.cov (ddof 1)."""
    a10, a01 = placements_direct(P1, N1)
    b10, b01 = placements_direct(P2, N2)
    m, n = len(P1), len(N1)
    S = np.cov([a10, b10]) / m + np.cov([a01, b01]) / n
    d = a10.mean() - b10.mean()
    se = math.sqrt(S[0, 0] + S[1, 1] - 2 * S[0, 1])
    z = d / se
    q = stats.norm.ppf(1 - (1 - conf) / 2)
    return a10.mean(), b10.mean(), d, se, z, 2 * stats.norm.sf(abs(z)), d - q * se, d + q * se


def auc_ci_direct(P, N, conf=0.95):
    v10, v01 = placements_direct(P, N)
    auc = v10.mean()
    se = math.sqrt(np.var(v10, ddof=1) / len(P) + np.var(v01, ddof=1) / len(N))
    q = stats.norm.ppf(1 - (1 - conf) / 2)
    return auc, se * se, max(0.0, auc - q * se), min(1.0, auc + q * se)


print(f"\n## aSAH (testdata/asah.csv): {len(ASAH)} patients, {sum(r[0] == 'Poor' for r in ASAH)} Poor (positive)")
print("## DeLong direct O(mn) (AUC1 AUC2 diff se z p lo hi): delong_direct(Poor a, Good a, Poor b, Good b, conf)")
for a, b, conf in [("wfns", "s100b", 0.95), ("wfns", "ndka", 0.95), ("ndka", "s100b", 0.95), ("wfns", "s100b", 0.90)]:
    show(f"delong {a} vs {b} conf={conf}:", *delong_direct(asah(a, "Poor"), asah(a, "Good"), asah(b, "Poor"), asah(b, "Good"), conf))
print("## AUC: sklearn.metrics.roc_auc_score([1]*m + [0]*n, concat(Poor, Good)); AUC CI: auc_ci_direct (auc var lo hi)")
for mk in ["wfns", "s100b", "ndka"]:
    P, N = asah(mk, "Poor"), asah(mk, "Good")
    show(f"auc {mk}:", roc_auc_score([1] * len(P) + [0] * len(N), np.concatenate([P, N])))
    show(f"auc ci {mk} conf=0.95:", *auc_ci_direct(P, N, 0.95))


def tie_data():
    """Integer-formula scores with many ties, rebuilt in Go by rocTieData."""
    m, n = 37, 53
    p1 = np.array([((i * 37 + 11) % 23) / 4 for i in range(m)])
    n1 = np.array([((j * 29 + 5) % 19) / 4 for j in range(n)])
    p2 = np.array([((i * 13 + 3) % 17) / 2 for i in range(m)])
    n2 = np.array([((j * 7 + 1) % 15) / 2 for j in range(n)])
    return p1, n1, p2, n2


p1, n1, p2, n2 = tie_data()
print("## DeLong on tie_data (ties everywhere): delong_direct(p1, n1, p2, n2, 0.95); "
      "roc_auc_score for the AUCs")
show("delong ties:", *delong_direct(p1, n1, p2, n2, 0.95))
show("auc ties p1,n1 / p2,n2:", roc_auc_score([1] * 37 + [0] * 53, np.concatenate([p1, n1])),
     roc_auc_score([1] * 37 + [0] * 53, np.concatenate([p2, n2])))
show("auc ci ties p1,n1 conf=0.95:", *auc_ci_direct(p1, n1, 0.95))
show("auc ci clipped pos=[3,4,5] neg=[1,2,3.5] conf=0.95:", *auc_ci_direct(np.array([3, 4, 5.0]), np.array([1, 2, 3.5]), 0.95))

# ---------------------------------------------------------------- Sample size
zz = stats.norm.ppf


def n_two(p1, p2, alpha, power):
    pb = (p1 + p2) / 2
    return (zz(1 - alpha / 2) * math.sqrt(2 * pb * (1 - pb)) + zz(power) * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2 / (p1 - p2) ** 2


def n_ni(pt, pc, delta, alpha, power):
    return (zz(1 - alpha) + zz(power)) ** 2 * (pt * (1 - pt) + pc * (1 - pc)) / (pt - pc + delta) ** 2


def n_paired(psi_, delta, alpha, power):
    return (zz(1 - alpha / 2) * math.sqrt(psi_) + zz(power) * math.sqrt(psi_ - delta ** 2)) ** 2 / delta ** 2


def n_one(p0, p1, alpha, power):
    return (zz(1 - alpha) * math.sqrt(p0 * (1 - p0)) + zz(power) * math.sqrt(p1 * (1 - p1))) ** 2 / (p1 - p0) ** 2


print("\n## SampleSizeTwoProportions: n_two(p1, p2, alpha, power) (formula with scipy.stats.norm.ppf); "
      "statsmodels NormalIndPower().solve_power(proportion_effectsize(p2, p1), alpha, power, ratio=1) for comparison")
for p1_, p2_, al, pw in [(0.5, 0.6, 0.05, 0.8), (0.5, 0.75, 0.05, 0.9), (0.2, 0.1, 0.05, 0.8), (0.9, 0.95, 0.01, 0.9)]:
    show(f"n_two p1={p1_} p2={p2_} alpha={al} power={pw}:", n_two(p1_, p2_, al, pw),
         NormalIndPower().solve_power(proportion_effectsize(p2_, p1_), alpha=al, power=pw, ratio=1))
print("## SampleSizeNonInferiority: n_ni(pT, pC, delta, alpha, power)")
for args in [(0.85, 0.65, 0.10, 0.05, 0.8), (0.8, 0.8, 0.05, 0.025, 0.9), (0.7, 0.72, 0.05, 0.05, 0.8)]:
    show(f"n_ni {args}:", n_ni(*args))
print("## SampleSizePaired: n_paired(psi, delta, alpha, power) (Connor 1987)")
for args in [(0.10, 0.04, 0.05, 0.8), (0.2, 0.05, 0.05, 0.9), (0.05, 0.02, 0.01, 0.8)]:
    show(f"n_paired {args}:", n_paired(*args))
print("## SampleSizeOneProportion: n_one(p0, p1, alpha, power); check: power of the one-sided score test at that n, "
      "1 - norm.cdf((z_{1-a} sqrt(p0q0) - (p1-p0) sqrt(n)) / sqrt(p1q1)) == power")
for p0, p1_, al, pw in [(0.30, 0.40, 0.05, 0.8), (0.95, 0.97, 0.05, 0.9), (0.10, 0.05, 0.025, 0.8)]:
    n = n_one(p0, p1_, al, pw)
    sgn = 1 if p1_ > p0 else -1
    achieved = stats.norm.cdf((sgn * (p1_ - p0) * math.sqrt(n) - zz(1 - al) * math.sqrt(p0 * (1 - p0))) / math.sqrt(p1_ * (1 - p1_)))
    show(f"n_one p0={p0} p1={p1_} alpha={al} power={pw} (n, achieved power):", n, achieved)
print("## MinimumDetectableEffect: brentq(lambda d: n_two(p, p + d, alpha, power) - n, 1e-9, 1 - p - 1e-12, xtol=1e-14)")
for p, n, al, pw in [(0.5, 387.3, 0.05, 0.8), (0.6, 500, 0.05, 0.8), (0.05, 2000, 0.05, 0.8), (0.9, 100, 0.05, 0.9)]:
    show(f"mde p={p} n={n} alpha={al} power={pw}:", brentq(lambda d: n_two(p, p + d, al, pw) - n, 1e-9, 1 - p - 1e-12, xtol=1e-14))

# ---------------------------------------------------------------- Holm
print("\n## Holm: statsmodels.stats.multitest.multipletests(p, alpha=0.05, method='holm')[1]")
for p in [[0.01, 0.04, 0.03, 0.005], [0.2, 0.01, 0.01, 0.5, 0.04], [0.001], [0.3, 0.6, 0.9]]:
    show(f"holm {p}:", *multipletests(p, alpha=0.05, method="holm")[1])

# ---------------------------------------------------------------- One-sided p-values
print("\n## WilsonPValue: statsmodels proportions_ztest(count, nobs, value=p0, alternative=A, prop_var=p0)[1]")
for count, nobs, p0 in [(81, 263, 0.25), (81, 263, 0.35), (15, 148, 0.2), (0, 20, 0.1), (950, 1000, 0.93), (29, 29, 0.9)]:
    for alt in ("larger", "smaller"):
        show(f"wilsonp count={count} nobs={nobs} p0={p0} {alt}:", proportions_ztest(count, nobs, value=p0, alternative=alt, prop_var=p0)[1])
print("## QuantilePValue: scipy.stats.binomtest(K, n, q, alternative).pvalue, "
      "below: K=#{x<t}, 'greater'; above: K=#{x<=t}, 'less'  (x = QDATA)")
for q, t in [(0.9, 3.0), (0.9, 2.0), (0.5, 1.28), (0.5, 1.0), (0.95, 5.5), (0.1, 0.66)]:
    kb = int(np.sum(QDATA < t))
    ka = int(np.sum(QDATA <= t))
    show(f"quantilep q={q} t={t} below(K={kb}) above(K={ka}):",
         stats.binomtest(kb, len(QDATA), q, alternative="greater").pvalue,
         stats.binomtest(ka, len(QDATA), q, alternative="less").pvalue)
print("## BootstrapPValue on rep: (1 + #{rep <= t}) / (B + 1) (greater), (1 + #{rep >= t}) / (B + 1) (less)")
for t in [0.0, 0.5, 1.0, 2.9, 3.0]:
    show(f"bootp rep t={t}:", (1 + np.sum(rep <= t)) / (len(rep) + 1), (1 + np.sum(rep >= t)) / (len(rep) + 1))

# ---------------------------------------------------------------- Sample size for the verdict's advice
print("\n## SampleSizePairedMargin: n_pm(p10, p01, m, alpha, power) = (z_{1-a} + z_{1-b})^2 (psi - d^2) / (d - m)^2, "
      "psi = p10 + p01, d = p10 - p01; check: Wald power norm.cdf(|d - m| sqrt(n) / sqrt(psi - d^2) - z_{1-a}) == power")


def n_pm(p10, p01, m, alpha, power):
    psi_, d = p10 + p01, p10 - p01
    return (zz(1 - alpha) + zz(power)) ** 2 * (psi_ - d * d) / (d - m) ** 2


for args in [(0.35, 0.05, 0.25, 0.025, 0.8), (0.10, 0.05, 0.0, 0.025, 0.8), (0.07, 0.03, 0.0, 0.025, 0.8),
             (0.02, 0.12, -0.05, 0.0125, 0.9), (0.25, 0.10, 0.10, 0.025, 0.8)]:
    p10, p01, m, al, pw = args
    n = n_pm(*args)
    d = p10 - p01
    achieved = stats.norm.cdf(abs(d - m) * math.sqrt(n) / math.sqrt(p10 + p01 - d * d) - zz(1 - al))
    show(f"n_pm {args} (n, achieved power):", n, achieved)
print("## The same cases by Connor's formula n_paired(psi, d - m, 2 alpha, power), which the advice used before: "
      "its Wald power at that n")
for args in [(0.35, 0.05, 0.25, 0.025, 0.8), (0.10, 0.05, 0.0, 0.025, 0.8), (0.25, 0.10, 0.10, 0.025, 0.8)]:
    p10, p01, m, al, pw = args
    d = p10 - p01
    n = n_paired(p10 + p01, d - m, 2 * al, pw)
    show(f"connor {args} (n, Wald power):", n, stats.norm.cdf(abs(d - m) * math.sqrt(n) / math.sqrt(p10 + p01 - d * d) - zz(1 - al)))

print("## SampleSizeFromSE: n_se(n, se, gap, alpha, power) = n ((z_{1-a} + z_{1-b}) se / gap)^2")


def n_se(n, se, gap, alpha, power):
    return n * ((zz(1 - alpha) + zz(power)) * se / gap) ** 2


for args in [(200, 0.03, 0.05, 0.025, 0.8), (1000, 0.02, 0.02, 0.025, 0.8), (60, 0.05, 0.04, 0.0125, 0.9), (19840, 3.56 / (2 * zz(0.975)), 2.0717, 0.025, 0.8)]:
    show(f"n_se {args}:", n_se(*args))

# ---------------------------------------------------------------- The verdict's advice (internal/verdict advice_test.go)
print("\n## Advice: total records = need * records / units, more = ceil(total) - records")


def more(need, units, records):
    return math.ceil(need * records / units) - records


z95 = zz(0.975)
show("advice bootstrap .32 [.28,.36] >= .30 on 1000 (se = width / 2z):", more(n_se(1000, (0.36 - 0.28) / (2 * z95), 0.02, 0.025, 0.8), 1000, 1000))
show("advice wilson 112/200 >= .5, 400 records:", more(n_one(0.5, 0.56, 0.025, 0.8), 200, 400))
show("advice wilson 112/200 >= .5, Holm alpha .0125:", more(n_one(0.5, 0.56, 0.0125, 0.8), 200, 400))
show("advice paired 70+10 of 200 pairs >= .25, 400 records:", more(n_pm(0.35, 0.05, 0.25, 0.025, 0.8), 200, 400))
show("advice p99 47.9283 [46.47, 50.03] <= 50 on 19840:", more(n_se(19840, (50.03 - 46.47) / (2 * z95), 50 - 47.9283, 0.025, 0.8), 19840, 19840))
# Two segments of 300 records each, 160/300 >= .5, independent: each at power sqrt(.8)
show("advice two segments 160/300 >= .5 at power sqrt(.8), 1000 records:",
     more(n_one(0.5, 160 / 300, 0.025, math.sqrt(0.8)), 300, 1000), math.sqrt(0.8))
show("advice one segment 160/300 >= .5 at power .8, 1000 records:", more(n_one(0.5, 160 / 300, 0.025, 0.8), 300, 1000))
show("advice paired counts that do not give the difference: .32 [.22, .42] >= .25 on 400:",
     more(n_se(400, (0.42 - 0.22) / (2 * z95), 0.07, 0.025, 0.8), 400, 400))
show("wilson 160/300 (lo hi), score p >= .5:", *proportion_confint(160, 300, alpha=0.05, method="wilson"),
     proportions_ztest(160, 300, value=0.5, alternative="larger", prop_var=0.5)[1])
show("wilson 112/200 (lo hi), score p >= .5:", *proportion_confint(112, 200, alpha=0.05, method="wilson"),
     proportions_ztest(112, 200, value=0.5, alternative="larger", prop_var=0.5)[1])
show("advice bootstrap on 60 records, .80 [.749, .85] >= .75 (the 1/sqrt(n) reach gave 3 more):",
     more(n_se(60, (0.85 - 0.749) / (2 * z95), 0.05, 0.025, 0.8), 60, 60), math.ceil(60 * (0.051 / 0.05) ** 2) - 60)

# ---------------------------------------------------------------- Decisions simulated through runner.Run (internal/runner/simulation_test.go)
print("\n## Exact false GO of a proportion at the margin: P(Wilson lower bound >= p0 | n, p0) = "
      "sum of scipy.stats.binom.pmf(k, n, p0) over k with proportion_confint(k, n, 0.05, 'wilson')[0] >= p0")


def wilson_go(n, p0, p):
    return sum(stats.binom.pmf(k, n, p) for k in range(n + 1) if proportion_confint(k, n, alpha=0.05, method="wilson")[0] >= p0)


for n, p0 in [(10, 0.6), (300, 0.6)]:
    show(f"false go n={n} p0={p0}:", wilson_go(n, p0, p0))
print("## Exact power of the advice for a proportion (n_one at 80%, rounded up): wilson_go(n, p0, p1)")
for p0, p1, al in [(0.5, 0.56, 0.025), (0.5, 0.56, 0.0125)]:
    n = math.ceil(n_one(p0, p1, al, 0.8))
    show(f"advice power p0={p0} p1={p1} alpha={al} n={n}:", wilson_go(n, p0, p1) if al == 0.025 else
         sum(stats.binom.pmf(k, n, p1) for k in range(n + 1)
             if proportions_ztest(k, n, value=p0, alternative="larger", prop_var=p0)[1] <= al))

print("\n## DetectablePairedDifference: (z_{1-a} + z_{1-b}) sqrt((p10 + p01 - (p10 - p01)^2) / n)")


def d_pm(p10, p01, n, alpha, power):
    return (zz(1 - alpha) + zz(power)) * math.sqrt((p10 + p01 - (p10 - p01) ** 2) / n)


for args in [(0.25, 0.25, 480, 0.025, 0.8), (0.35, 0.05, 973.2610870592873, 0.025, 0.8), (0.1, 0.02, 1000, 0.0125, 0.9)]:
    show(f"d_pm {args}:", d_pm(*args))
show("old plan warning: brentq(n_two(.5, .5 + d, alpha=.025 (taken as two-sided), .8) - 480):",
     brentq(lambda d: n_two(0.5, 0.5 + d, 0.025, 0.8) - 480, 1e-9, 0.5 - 1e-12, xtol=1e-14))

# ---------------------------------------------------------------- poc plan's warnings (internal/runner/plan_test.go)
print("\n## Plan, measured: 200 pairs with p10 = .25, p01 = .10 (400 records): det = d_pm, half = z_.975 sqrt((psi - d^2)/n), "
      "more = ceil(n_pm * 400/200) - 400 for the margin .10")
show("plan measured det half more:", d_pm(0.25, 0.10, 200, 0.025, 0.8), z95 * math.sqrt((0.35 - 0.15 ** 2) / 200),
     math.ceil(n_pm(0.25, 0.10, 0.10, 0.025, 0.8) * 400 / 200) - 400)
show("plan assumed det (psi .5, 200 pairs) and the most discordance that resolves .05:", d_pm(0.25, 0.25, 200, 0.025, 0.8),
     0.5 * (0.05 / d_pm(0.25, 0.25, 200, 0.025, 0.8)) ** 2)
show("plan quantile: min records for a p99 at 95% (upper; lower):", math.ceil(math.log(0.025) / math.log(0.99)),
     math.floor(math.log(0.025) / math.log(0.01)) + 1)
show("advice lopsided .96 [.90, .965] >= .92 on 500 (far half .005 < near half .06 / 2: se = near half / z; "
     "by the width it would be 175):", more(n_se(500, (0.96 - 0.90) / z95, 0.96 - 0.92, 0.025, 0.8), 500, 500), more(n_se(500, (0.965 - 0.90) / (2 * z95), 0.96 - 0.92, 0.025, 0.8), 500, 500))
