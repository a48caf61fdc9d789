#!/usr/bin/env python3
"""Compare `gazette extract --json` metadata with Readability's test pages.

usage: check-metadata.py GAZETTE [PAGES_DIR] [--verbose] [--min FRACTION]

Each page is extracted with base URL http://fakehost/test/page.html.  title,
byline, excerpt and siteName must equal the expected value (null included),
except that a title may lack the " | Site" suffix Readability keeps (gazette
removes it by design; the exact count is printed too);
publishedTime, lang and dir are checked only where a value is expected.
Prints one line per field ("title: 127/129 (0.984)") and, with --min,
exits 1 when title, byline, published, site name or excerpt is below it.
"""
import json
import os
import subprocess
import sys
import tempfile

BASE = "http://fakehost/test/page.html"
FIELDS = [  # (expected key, our key, must match null too)
    ("title", "title", True),
    ("byline", "byline", True),
    ("excerpt", "excerpt", True),
    ("siteName", "site_name", True),
    ("publishedTime", "published_raw", False),
    ("lang", "lang", False),
    ("dir", "dir", False),
]
GATED = {"title", "byline", "excerpt", "siteName", "publishedTime"}


def shared_dir():
    if os.environ.get("GZ_SHARED"):
        return os.environ["GZ_SHARED"]
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(here, "..", "..", "shared")


def norm(v):
    if v is None:
        return None
    v = " ".join(str(v).split())
    return v or None


def main():
    argv = sys.argv[1:]
    verbose = "--verbose" in argv
    minimum = None
    if "--min" in argv:
        minimum = float(argv[argv.index("--min") + 1])
        del argv[argv.index("--min"):argv.index("--min") + 2]
    args = [a for a in argv if not a.startswith("--")]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    gazette = args[0]
    pages = args[1] if len(args) > 1 else os.path.join(shared_dir(), "corpus", "readability-pages")
    ok = {f[0]: 0 for f in FIELDS}
    total = {f[0]: 0 for f in FIELDS}
    names = [n for n in sorted(os.listdir(pages))
             if os.path.isfile(os.path.join(pages, n, "source.html"))]
    with tempfile.TemporaryDirectory(prefix="gz-meta-") as out:
        lst = os.path.join(out, "list.tsv")
        with open(lst, "w", encoding="utf-8") as f:
            for n in names:
                f.write("%s\t%s\t%s\n" % (n, os.path.join(pages, n, "source.html"), BASE))
        r = subprocess.run([gazette, "extract", "--batch", lst, "--out-dir", out, "--json"],
                           capture_output=True, timeout=600)
        if r.returncode != 0:
            print("extract failed: %s" % r.stderr.decode(errors="replace").strip())
        results = {}
        for n in names:
            p = os.path.join(out, n + ".json")
            if os.path.isfile(p):
                with open(p, encoding="utf-8") as f:
                    results[n] = json.load(f)
    for name in names:
        with open(os.path.join(pages, name, "expected-metadata.json"), encoding="utf-8") as f:
            exp = json.load(f)
        got = results.get(name, {})
        for key, ours, strict in FIELDS:
            want = exp.get(key)
            if want is None and not strict:
                continue
            total[key] += 1
            if norm(want) == norm(got.get(ours)):
                ok[key] += 1
            elif verbose:
                print("%s %s:\n  want %r\n  got  %r" % (name, key, want, got.get(ours)))
    failed = False
    for key, _, _ in FIELDS:
        frac = ok[key] / total[key] if total[key] else 1.0
        print("%s: %d/%d (%.3f)" % (key, ok[key], total[key], frac))
        if minimum is not None and key in GATED and frac < minimum:
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
