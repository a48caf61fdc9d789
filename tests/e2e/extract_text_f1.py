#!/usr/bin/env python3
"""The extractor's text on the extraction corpus (dev split) must score
F1 >= 0.97 with shared/tools/extraction-score (Readability.js: 0.954)."""
import os
import re
import subprocess
import sys
import tempfile

# The corpus is development data outside the repository: without it there is
# nothing to measure (ctest reports the test as skipped).
if not os.path.isdir(os.path.join(os.environ.get("GZ_SHARED", ""), "corpus")):
    print("skipped: no corpus at GZ_SHARED=%r" % os.environ.get("GZ_SHARED"))
    sys.exit(77)

GATE = 0.97

src = os.environ.get("GZ_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
gazette = os.environ.get("GAZETTE", "gazette")
with tempfile.TemporaryDirectory(prefix="gz-f1-") as out:
    r = subprocess.run([sys.executable, os.path.join(src, "scripts", "score-extraction.py"),
                        gazette, os.path.join(os.environ.get("GZ_SHARED", ""), "corpus",
                                              "extraction"), out],
                       capture_output=True, text=True, timeout=600)
print(r.stderr.strip())
print(r.stdout.strip())
m = re.search(r"F1 ([0-9.]+)\s*$", r.stdout.strip())
if r.returncode != 0 or not m:
    print("scoring failed")
    sys.exit(1)
f1 = float(m.group(1))
if f1 < GATE:
    print("F1 %.3f is below the gate %.2f" % (f1, GATE))
    sys.exit(1)
print("F1 %.3f >= %.2f" % (f1, GATE))
