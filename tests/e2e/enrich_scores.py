#!/usr/bin/env python3
"""Enrichment quality against the dev sets, with the shared scorers.

Runs `gazette enrich` on each dev file with its gold fields removed, scores
the output with shared/tools/kp-score and summ-score, and fails when a
figure is below its gate:

  keyphrases  500N-KPCrowd dev, F1@10            >= 0.205  (published: YAKE 0.173,
              TopicRank 0.172; goal 0.20; we reach 0.207)
  articles    BBC dev, ROUGE-1/2/L, 3 sentences   > 0.575/0.532/0.450 (TextRank)
  stories     NeuS dev, ROUGE-1/2/L               >= 0.386/0.179/0.268 (what we reach,
              0.389/0.181/0.271, less a little; the best of LexRank, NeuS and TextRank
              on each figure is 0.370/0.172/0.260)

Exits 77 (skipped) only when the shared corpus is not there.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

GZ = os.environ["GAZETTE"]
SHARED = os.environ.get("GZ_SHARED", "")
CORPUS = os.path.join(SHARED, "corpus")
TOOLS = os.path.join(SHARED, "tools")

CASES = [
    # name, gold file, fields to strip, scorer, extra args, gates (>= or >)
    ("keyphrases", "keyphrases/kpcrowd_dev.jsonl", ["keyphrases"], "kp-score", [],
     [("F1@10", 0.205, ">=")]),
    ("articles", "summarization/bbc_dev.jsonl", ["summary"], "summ-score", ["--sentences", "3"],
     [("ROUGE-1", 0.575, ">"), ("ROUGE-2", 0.532, ">"), ("ROUGE-L", 0.450, ">")]),
    ("stories", "summarization/neus_dev.jsonl", ["summary", "summary_title"], "summ-score", [],
     [("ROUGE-1", 0.386, ">="), ("ROUGE-2", 0.179, ">="), ("ROUGE-L", 0.268, ">=")]),
]

missing = [c[1] for c in CASES if not os.path.exists(os.path.join(CORPUS, c[1]))]
if missing or not os.path.isdir(TOOLS):
    print("skipped: shared corpus not found (%s)" % ", ".join(missing or [TOOLS]))
    sys.exit(77)

failures = []
tmp = tempfile.mkdtemp(prefix="gz-enrich-")
for name, gold, strip, scorer, args, gates in CASES:
    gold_path = os.path.join(CORPUS, gold)
    inp = os.path.join(tmp, name + "-in.jsonl")
    pred = os.path.join(tmp, name + "-pred.jsonl")
    with open(gold_path, encoding="utf-8") as f, open(inp, "w", encoding="utf-8") as g:
        for line in f:
            if line.strip():
                o = json.loads(line)
                for k in strip:
                    o.pop(k, None)
                g.write(json.dumps(o) + "\n")
    with open(pred, "w") as out:
        p = subprocess.run([GZ, "enrich", inp] + args, stdout=out, stderr=subprocess.PIPE,
                           text=True)
    if p.returncode != 0:
        failures.append("%s: gazette enrich exited %d: %s" % (name, p.returncode, p.stderr))
        continue
    s = subprocess.run([sys.executable, os.path.join(TOOLS, scorer), gold_path, pred],
                       capture_output=True, text=True)
    last = s.stdout.strip().splitlines()[-1] if s.stdout.strip() else ""
    print("%s: %s" % (name, last))
    m = re.search(r"(\d\.\d+)/(\d\.\d+)/(\d\.\d+)\s*$", last)
    if s.returncode != 0 or not m:
        failures.append("%s: scorer failed: %s %s" % (name, s.stdout, s.stderr))
        continue
    vals = [float(x) for x in m.groups()]
    if scorer == "kp-score":
        figures = {"F1@10": vals[2]}
    else:
        figures = {"ROUGE-1": vals[0], "ROUGE-2": vals[1], "ROUGE-L": vals[2]}
    for fig, gate, op in gates:
        v = figures[fig]
        ok = v >= gate if op == ">=" else v > gate
        if not ok:
            failures.append("%s: %s %.3f is not %s %.3f" % (name, fig, v, op, gate))

for f in failures:
    print("FAIL:", f, file=sys.stderr)
print("%d passed, %d failed" % (len(CASES) - len({f.split(":")[0] for f in failures}),
                                len({f.split(":")[0] for f in failures})))
sys.exit(1 if failures else 0)
