#!/usr/bin/env python3
"""Score `gazette extract` on the extraction corpus.

usage: score-extraction.py GAZETTE [CORPUS_DIR] [OUT_DIR] [--verbose]

Writes OUT_DIR/<id>.txt for every page of CORPUS_DIR (default
$GZ_SHARED/corpus/extraction, else ../shared next to the source tree) with
one `gazette extract --batch` run, then runs shared/tools/extraction-score
and prints its output (the last line is the summary).
"""
import json
import os
import subprocess
import sys
import tempfile


def shared_dir():
    if os.environ.get("GZ_SHARED"):
        return os.environ["GZ_SHARED"]
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(here, "..", "..", "shared")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    verbose = "--verbose" in sys.argv
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    gazette = args[0]
    corpus = args[1] if len(args) > 1 else os.path.join(shared_dir(), "corpus", "extraction")
    out = args[2] if len(args) > 2 else tempfile.mkdtemp(prefix="gz-extract-")
    os.makedirs(out, exist_ok=True)
    lines = []
    for name in sorted(os.listdir(corpus)):
        exp = os.path.join(corpus, name, "expected.json")
        if not os.path.isfile(exp):
            continue
        with open(exp, encoding="utf-8") as f:
            url = json.load(f).get("url") or ""
        lines.append("%s\t%s\t%s\n" % (name, os.path.join(corpus, name, "page.html"), url))
    lst = os.path.join(out, "list.tsv")
    with open(lst, "w", encoding="utf-8") as f:
        f.writelines(lines)
    r = subprocess.run([gazette, "extract", "--batch", lst, "--out-dir", out])
    if r.returncode != 0:
        print("gazette extract --batch failed", file=sys.stderr)
        return 1
    os.unlink(lst)
    scorer = os.path.join(shared_dir(), "tools", "extraction-score")
    cmd = [sys.executable, scorer] + (["--verbose"] if verbose else []) + [corpus, out]
    return subprocess.run(cmd).returncode


if __name__ == "__main__":
    sys.exit(main())
