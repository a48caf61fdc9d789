#!/usr/bin/env python3
"""Clustering quality gates on the dev sets of shared/corpus/clustering.

Feeds `gazette cluster` the dated stream (dev.jsonl) and the undated,
shuffled batch (dev_batch.jsonl) with the gold `story` field removed, as
the evaluation does, scores them with shared/tools/cluster-score, and
scores `gazette related` on the batch with shared/tools/related-score.
Fails below the gates.  The issue's targets are BCubed F1 >= 0.95
(stream), >= 0.90 (batch) and R-precision >= 0.95; the gates stand just
under what the clusterer reaches today (see src/cluster/cluster.h and
bench/README.md), so that any loss shows.  Skips (77) only when the
shared corpus folder is absent."""
import json
import os
import re
import subprocess
import sys
import tempfile

GZ = os.environ["GAZETTE"]
SHARED = os.environ.get("GZ_SHARED", "")
CORPUS = os.path.join(SHARED, "corpus", "clustering")
TOOLS = os.path.join(SHARED, "tools")

GATES = {
    "dev.jsonl": 0.96,        # reached 0.967
    "dev_batch.jsonl": 0.90,   # reached 0.906
}
RELATED_GATE = 0.84            # reached 0.847


def strip(src, dst):
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as o:
        for line in f:
            if line.strip():
                d = json.loads(line)
                d.pop("story", None)
                o.write(json.dumps(d) + "\n")


def last_line(out):
    return [l for l in out.splitlines() if l.strip()][-1]


def main():
    if not os.path.isdir(CORPUS):
        print("skip: no shared corpus at %s" % CORPUS)
        return 77
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, gate in GATES.items():
            gold = os.path.join(CORPUS, name)
            inp = os.path.join(tmp, "in-" + name)
            pred = os.path.join(tmp, name + ".tsv")
            strip(gold, inp)
            with open(pred, "w") as o:
                subprocess.run([GZ, "cluster", inp], stdout=o, check=True)
            out = subprocess.run([os.path.join(TOOLS, "cluster-score"), gold, pred],
                                 capture_output=True, text=True, check=True).stdout
            line = last_line(out)
            print(name + ": " + line)
            f1 = float(re.search(r"bcubed P/R/F1 [0-9.]+/[0-9.]+/([0-9.]+)", line).group(1))
            if f1 < gate:
                print("FAIL: %s BCubed F1 %.3f < %.3f" % (name, f1, gate))
                failed = 1
        gold = os.path.join(CORPUS, "dev_batch.jsonl")
        inp = os.path.join(tmp, "in-dev_batch.jsonl")
        pred = os.path.join(tmp, "related.tsv")
        with open(pred, "w") as o:
            subprocess.run([GZ, "related", inp], stdout=o, check=True)
        out = subprocess.run([os.path.join(TOOLS, "related-score"), gold, pred],
                             capture_output=True, text=True, check=True).stdout
        line = last_line(out)
        print(line)
        rp = float(re.search(r"R-precision ([0-9.]+)", line).group(1))
        if rp < RELATED_GATE:
            print("FAIL: related R-precision %.3f < %.3f" % (rp, RELATED_GATE))
            failed = 1
    return failed


if __name__ == "__main__":
    sys.exit(main())
