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
