#!/usr/bin/env python3
"""Metadata on Readability's 129 test pages: title, byline, excerpt, site
name and published time must each match on at least 95 % of the pages."""
import os
import subprocess
import sys

# The corpus is development data outside the repository: without it there is
# nothing to measure (ctest reports the test as skipped).
if not os.path.isdir(os.path.join(os.environ.get("GZ_SHARED", ""), "corpus")):
    print("skipped: no corpus at GZ_SHARED=%r" % os.environ.get("GZ_SHARED"))
    sys.exit(77)

src = os.environ.get("GZ_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
gazette = os.environ.get("GAZETTE", "gazette")
pages = os.path.join(os.environ.get("GZ_SHARED", ""), "corpus", "readability-pages")
r = subprocess.run([sys.executable, os.path.join(src, "scripts", "check-metadata.py"), gazette,
                    pages, "--min", "0.95"], timeout=600)
sys.exit(r.returncode)
