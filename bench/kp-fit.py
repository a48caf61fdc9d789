#!/usr/bin/env python3
"""Fit the keyphrase weights of src/enrich/keyphrase.c (kp_weights).

    bench/kp-fit.py GAZETTE GOLD.jsonl [EXTRA.jsonl]

GAZETTE is a binary built with -DGZ_ENRICH_TUNE (it dumps every candidate's
features to stderr when GZ_KP_DUMP is set); GOLD.jsonl is a keyphrase set
with "id", "title", "text" and "keyphrases" (500N-KPCrowd dev).  The gold
field is removed before enrichment, as the evaluation does.  EXTRA.jsonl,
optional, holds more articles that only count for document frequencies (to
see the weights with a larger IDF corpus).

The model is a logistic regression of "the candidate is a gold phrase"
(after the scorer's normalisation) on the features, L2-regularised, on
standardized features by batch gradient descent, with no dependency beyond
Python.  It prints the weights in enum kp_feature order, F1@10 of the
current weights, and out-of-sample F1@10: each half of the set (even and odd
lines) ranked with weights fitted on the other half, and 5-fold
cross-validation.  Takes about a minute.

Try weights without rebuilding: GZ_KP="w0,w1,..." (same order) for the
tuning binary; with GZ_KP set, this script also prints F1@10 of those.
"""
import json
import math
import os
import re
import subprocess
import sys
import tempfile

NAMES = ["uses", "idf", "len", "spread", "phrase", "cohesion", "in_name", "after_det",
         "after_word", "before_word"]


def norm(s):
    s = re.sub(r"[^\w ]|_", "", (s or "").lower())
    return re.sub(r"\s+", " ", s).strip()


def dump(gazette, gold_path, extra):
    gold, lines = [], []
    with open(gold_path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                gold.append({norm(x) for x in o.pop("keyphrases", [])} - {""})
                lines.append(json.dumps(o))
    if extra:
        with open(extra, encoding="utf-8") as f:
            for i, line in enumerate(f):
                if line.strip():
                    o = json.loads(line)
                    o["id"] = "extra-%d" % i
                    lines.append(json.dumps(o))
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as t:
        t.write("\n".join(lines) + "\n")
    env = dict(os.environ, GZ_KP_DUMP="1")
    env.pop("GZ_KP", None)
    p = subprocess.run([gazette, "enrich", t.name], env=env, capture_output=True, text=True)
    os.unlink(t.name)
    if p.returncode:
        sys.exit("kp-fit: gazette enrich failed: " + p.stderr[-2000:])
    docs = []
    for line in p.stderr.splitlines():
        if line == "#DOC":
            docs.append([])
        elif docs and "\t" in line:
            f = line.split("\t")
            docs[-1].append((norm(f[0]), [float(v) for v in f[1:]]))
    docs = docs[:len(gold)]
    if len(docs) != len(gold) or any(len(c[1]) != len(NAMES) for d in docs for c in d):
        sys.exit("kp-fit: the binary does not dump features (build with -DGZ_ENRICH_TUNE)")
    return gold, docs


def fit(docs, gold, l2=1.0, iters=300, rate=0.5):
    X, Y = [], []
    for d, g in zip(docs, gold):
        for text, x in d:
            X.append(x)
            Y.append(1.0 if text in g else 0.0)
    k = len(NAMES)
    mu = [sum(x[j] for x in X) / len(X) for j in range(k)]
    sd = [math.sqrt(sum((x[j] - mu[j]) ** 2 for x in X) / len(X)) or 1.0 for j in range(k)]
    Xs = [[(x[j] - mu[j]) / sd[j] for j in range(k)] for x in X]
    w, b = [0.0] * k, 0.0
    for _ in range(iters):
        g, gb = [0.0] * k, 0.0
        for x, y in zip(Xs, Y):
            z = b + sum(a * v for a, v in zip(w, x))
            e = 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0))) - y
            gb += e
            for j in range(k):
                g[j] += e * x[j]
        b -= rate * gb / len(X)
        w = [w[j] - rate * (g[j] + l2 * w[j]) / len(X) for j in range(k)]
    return [w[j] / sd[j] for j in range(k)]


def f1_at_10(docs, gold, w):
    total = 0.0
    for d, g in zip(docs, gold):
        ranked = sorted(d, key=lambda c: -sum(a * v for a, v in zip(w, c[1])))
        seen, top = set(), []
        for text, _ in ranked:
            if text and text not in seen:
                seen.add(text)
                top.append(text)
            if len(top) == 10:
                break
        m = sum(1 for t in top if t in g)
        p = m / len(top) if top else 0.0
        r = m / len(g) if g else 0.0
        total += 2 * p * r / (p + r) if p + r else 0.0
    return total / len(docs) if docs else 0.0


def main(argv):
    if len(argv) not in (3, 4):
        sys.stdout.write(__doc__)
        return 2
    gold, docs = dump(argv[1], argv[2], argv[3] if len(argv) == 4 else None)
    n = len(docs)
    part = lambda idx: ([docs[i] for i in idx], [gold[i] for i in idx])
    w = fit(docs, gold)
    print("weights (%s):" % ", ".join(NAMES))
    print("  " + ", ".join("%.2f" % v for v in w))
    cur = [float(x) for x in os.environ.get("GZ_KP", "").split(",") if x]
    if len(cur) == len(NAMES):
        print("F1@10 with the weights of GZ_KP: %.3f" % f1_at_10(docs, gold, cur))
    print("F1@10 in-sample with the fitted weights: %.3f" % f1_at_10(docs, gold, w))
    a, b = list(range(0, n, 2)), list(range(1, n, 2))
    wa, wb = fit(*part(a)), fit(*part(b))
    print("halves: even lines ranked with weights from odd %.3f, odd with even %.3f" %
          (f1_at_10(*part(a), wb), f1_at_10(*part(b), wa)))
    folds = []
    for k in range(5):
        te = [i for i in range(n) if i % 5 == k]
        tr = [i for i in range(n) if i % 5 != k]
        folds.append(f1_at_10(*part(te), fit(*part(tr))))
    print("5-fold cross-validation F1@10: %.3f (%s)" %
          (sum(folds) / len(folds), " ".join("%.3f" % f for f in folds)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
