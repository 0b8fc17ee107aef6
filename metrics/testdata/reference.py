"""Reference values for metrics/metrics_test.go.

Run with Debian's interpreter (python3-sklearn 1.2.1, numpy):
    /usr/bin/python3 metrics/testdata/reference.py
and paste the printed values into the table tests.
"""
import numpy as np
from sklearn.metrics import (accuracy_score, confusion_matrix, f1_score,
                             precision_score, recall_score)

# Binary fixture: 20 records (1 = fraud).
y = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]
p = [1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]
w = [120.0, 15.5, 900.0, 2500.0, 40.0, 75.0, 300.0, 10.0, 20.0, 30.0,
     40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0, 110.0, 5.0, 130.0]
print("binary")
print("  precision", repr(precision_score(y, p)))
print("  recall", repr(recall_score(y, p)))
print("  f1", repr(f1_score(y, p)))
print("  accuracy", repr(accuracy_score(y, p)))
tn, fp, fn, tp = confusion_matrix(y, p).ravel()
print("  specificity", repr(tn / (tn + fp)), "fpr", repr(fp / (fp + tn)))
print("  weighted_recall", repr(recall_score(y, p, sample_weight=w)))
print("  weighted_precision", repr(precision_score(y, p, sample_weight=w)))

# Multi-class fixture: intents.
yt = ["card", "card", "card", "fees", "fees", "fees", "fees", "atm", "atm", "atm", "card", "atm"]
yp = ["card", "fees", "card", "fees", "fees", "card", "fees", "atm", "card", "atm", "card", "other"]
print("multiclass")
print("  accuracy", repr(accuracy_score(yt, yp)))
print("  macro_f1", repr(f1_score(yt, yp, average="macro")))
labels = sorted(set(yt) | set(yp))
print("  labels", labels)
print("  confusion", confusion_matrix(yt, yp, labels=labels).tolist())

# Latency quantiles (numpy's default linear interpolation).
lat = [12.0, 15.5, 9.1, 30.2, 18.0, 22.4, 11.1, 95.0, 14.3, 16.8, 13.9, 41.7]
print("latency")
for q in (50, 95, 99, 90):
    print("  p%d" % q, repr(float(np.percentile(lat, q))))

# ---------------------------------------------------------------------------
# Library (metrics/library_test.go). scikit-learn 1.2.1, scipy 1.10.1, numpy.
from scipy.stats import ks_2samp
from sklearn.metrics import (average_precision_score, balanced_accuracy_score,
                             brier_score_loss, cohen_kappa_score, log_loss,
                             matthews_corrcoef, mean_absolute_error,
                             mean_absolute_percentage_error,
                             mean_squared_error, r2_score, roc_auc_score,
                             roc_curve, top_k_accuracy_score)

print("classification (multi-class fixture)")
print("  f1_micro", repr(f1_score(yt, yp, average="micro")))
print("  f1_weighted", repr(f1_score(yt, yp, average="weighted")))
print("  balanced_accuracy", repr(balanced_accuracy_score(yt, yp)))
print("  cohen_kappa", repr(cohen_kappa_score(yt, yp)))
print("  matthews_corrcoef", repr(matthews_corrcoef(yt, yp)))
print("  class card precision", repr(precision_score(yt, yp, labels=["card"], average=None)[0]))
print("  class card recall", repr(recall_score(yt, yp, labels=["card"], average=None)[0]))
print("  class card f1", repr(f1_score(yt, yp, labels=["card"], average=None)[0]))
print("  binary matthews", repr(matthews_corrcoef(y, p)), "kappa", repr(cohen_kappa_score(y, p)))
print("  binary balanced_accuracy", repr(balanced_accuracy_score(y, p)))

# Top-k: 3 classes, the pipeline's ranked labels.
tk_true = ["a", "b", "c", "a", "b", "c"]
tk_rank = [["a", "b", "c"], ["a", "b", "c"], ["b", "a", "c"], ["c", "b", "a"], ["b", "c", "a"], ["a", "b", "c"]]
classes = ["a", "b", "c"]
tk_scores = [[3 - r.index(c) for c in classes] for r in tk_rank]
print("top_k")
for k in (1, 2):
    print("  k=%d" % k, repr(top_k_accuracy_score(tk_true, tk_scores, k=k, labels=classes)))

# Scores: the binary fixture y with a score per record (ties included).
s = [0.9, 0.8, 0.35, 0.4, 0.2, 0.7, 0.65, 0.1, 0.3, 0.2, 0.05, 0.7, 0.15, 0.3, 0.25, 0.45, 0.1, 0.5, 0.6, 0.02]
print("scores")
print("  roc_auc", repr(roc_auc_score(y, s)))
print("  average_precision", repr(average_precision_score(y, s)))
print("  log_loss", repr(log_loss(y, s)))
print("  brier_score", repr(brier_score_loss(y, s)))
fpr, tpr, thr = roc_curve(y, s, drop_intermediate=False)
print("  ks max(tpr-fpr)", repr(float(max(tpr - fpr))))
pos = [si for si, yi in zip(s, y) if yi == 1]
neg = [si for si, yi in zip(s, y) if yi == 0]
print("  ks_2samp", repr(ks_2samp(pos, neg).statistic))
print("  gini", repr(2 * roc_auc_score(y, s) - 1))
for t in (0.1, 0.2):
    print("  recall_at_fpr %.1f" % t, repr(float(max(tpr[fpr <= t]))))
order = np.argsort(-np.array(s), kind="stable")
for k in (5, 8):
    print("  precision_at_k %d" % k, repr(float(np.mean(np.array(y)[order[:k]]))))
# ECE, by hand with numpy: 10 equal-width bins, last bin closed.
sa, ya = np.array(s), np.array(y)
b = np.minimum(np.floor(sa * 10).astype(int), 9)
ece = sum(abs(ya[b == i].mean() - sa[b == i].mean()) * (b == i).sum() / len(sa) for i in range(10) if (b == i).any())
print("  expected_calibration_error", repr(float(ece)))
b5 = np.minimum(np.floor(sa * 5).astype(int), 4)
ece5 = sum(abs(ya[b5 == i].mean() - sa[b5 == i].mean()) * (b5 == i).sum() / len(sa) for i in range(5) if (b5 == i).any())
print("  expected_calibration_error bins=5", repr(float(ece5)))
# Expected cost of the decisions p under fn=5, fp=1 (German credit's 5:1).
tn, fp_, fn_, tp = confusion_matrix(y, p).ravel()
print("  expected_cost", repr((5 * fn_ + 1 * fp_) / len(y)))
print("  STATISTICS.md KS example", ks_2samp([540, 580, 600, 630, 660, 690], [620, 650, 680, 700, 720, 740, 760, 780]).statistic)

# Regression.
ry = [3.0, -0.5, 2.0, 7.0, 4.2, 10.0, 1.5, 6.0]
rp = [2.5, 0.0, 2.0, 8.0, 4.0, 12.5, 1.0, 5.4]
print("regression")
print("  mae", repr(mean_absolute_error(ry, rp)))
print("  rmse", repr(float(np.sqrt(mean_squared_error(ry, rp)))))
print("  mape", repr(mean_absolute_percentage_error(ry, rp)))
print("  r2", repr(r2_score(ry, rp)))
e = np.abs(np.array(ry) - np.array(rp))
print("  within 0.5 abs", repr(float(np.mean(e <= 0.5))))
print("  within 0.1 rel", repr(float(np.mean(e <= 0.1 * np.abs(ry)))))

# ROUGE-L by hand (rouge-score's formula: LCS over lower-cased tokens, F1).
def lcs(a, b):
    t = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a)):
        for j in range(len(b)):
            t[i + 1][j + 1] = t[i][j] + 1 if a[i] == b[j] else max(t[i][j + 1], t[i + 1][j])
    return t[-1][-1]
import re
def tok(x):
    return re.sub(r"[^a-z0-9]+", " ", x.lower()).split()
def rouge_l(c, r):
    c, r = tok(c), tok(r)
    l = lcs(c, r)
    if l == 0:
        return 0.0
    pr, rc = l / len(c), l / len(r)
    return 2 * pr * rc / (pr + rc)
pairs = [("The police killed the gunman.", "police kill the gunman"),
         ("Refund issued to the customer", "the customer was issued a refund"),
         ("nothing in common", "totally different")]
print("rouge_l")
for c, r in pairs:
    print("  ", repr(rouge_l(c, r)))
print("  mean", repr(sum(rouge_l(c, r) for c, r in pairs) / len(pairs)))

# Fairness, Fairlearn's definitions by hand (min/max selection rate; max-min TPR; max of TPR and FPR gaps).
fg = ["abc"[i % 3] for i in range(20)]
def rates(g):
    idx = [i for i in range(len(fg)) if fg[i] == g]
    sel = np.mean([p[i] for i in idx])
    tpr_ = np.mean([p[i] for i in idx if y[i] == 1])
    fpr_ = np.mean([p[i] for i in idx if y[i] == 0])
    return sel, tpr_, fpr_
print("fairness (binary fixture y, p; groups fg)")
R = {g: rates(g) for g in "abc"}
print("  ", {g: tuple(float(v) for v in R[g]) for g in R})
sels = [R[g][0] for g in R]; tprs = [R[g][1] for g in R]; fprs = [R[g][2] for g in R]
print("  demographic_parity_ratio", repr(float(min(sels) / max(sels))))
print("  equal_opportunity_difference", repr(float(max(tprs) - min(tprs))))
print("  equalized_odds_difference", repr(float(max(max(tprs) - min(tprs), max(fprs) - min(fprs)))))

# PSI: STATISTICS.md example and a sample-based one with decile bins of the reference.
E = [0.1] * 10
A = [.08, .09, .10, .10, .10, .10, .11, .11, .10, .11]
print("psi")
print("  STATISTICS.md example", repr(sum((a - e) * np.log(a / e) for a, e in zip(A, E))))
rng = np.random.default_rng(7)
ref = np.round(rng.normal(100, 15, 40), 1)
cur = np.round(rng.normal(110, 20, 40), 1)
mid = np.round(rng.normal(105, 15, 80), 1)
edges = np.unique(np.quantile(ref, np.arange(1, 10) / 10))
def shares(v):
    c = np.bincount(np.searchsorted(edges, v, side="left"), minlength=len(edges) + 1) / len(v)
    return np.maximum(c, 1e-4)
e_, a_ = shares(ref), shares(cur)
print("  sample psi", repr(float(np.sum((a_ - e_) * np.log(a_ / e_)))))
print("  ref", ref.tolist())
print("  mid", mid.tolist())
print("  cur", cur.tolist())
