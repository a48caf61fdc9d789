#!/usr/bin/env python3
"""The seed page's related list, done right.

tests/cases/cluster/seed.jsonl holds the four articles of the seed page
(shared/seed/article-page.txt): the main article on the Armenia-Azerbaijan
talks, the France 24 piece Yahoo carried, the Washington Post piece, and
the Fox News border item.  The main article's related list must hold the
two peace-deal pieces and must not hold the Fox item; the Fox item is
related to nothing.  `gazette cluster` must put the three peace pieces in
one story and the Fox item alone."""
import os
import subprocess
import sys

GZ = os.environ["GAZETTE"]
SEED = os.path.join(os.environ["GZ_SOURCE_DIR"], "tests", "cases", "cluster", "seed.jsonl")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def table(cmd):
    out = subprocess.run([GZ] + cmd + [SEED], capture_output=True, text=True, check=True).stdout
    return dict(line.split("\t", 1) for line in out.splitlines() if line)


rel = {k: [x for x in v.split(",") if x] for k, v in table(["related", "--k", "10"]).items()}
print("related of seed-main:", rel.get("seed-main"))
main = rel.get("seed-main", [])
check("seed-yahoo-france24" in main, "main article lists the France 24/Yahoo piece")
check("seed-washingtonpost" in main, "main article lists the Washington Post piece")
check("seed-foxnews" not in main, "main article does not list the Fox News border item")
check(rel.get("seed-foxnews") == [], "the Fox News item has no related articles")
for k, v in rel.items():
    check(k not in v, "%s is not in its own list" % k)
    if k != "seed-foxnews":
        check("seed-foxnews" not in v, "%s does not list the Fox item" % k)

st = table(["cluster"])
check(st["seed-main"] == st["seed-yahoo-france24"] == st["seed-washingtonpost"],
      "the three peace pieces are one story")
check(st["seed-foxnews"] != st["seed-main"], "the Fox item is another story")
sys.exit(1 if failures else 0)
