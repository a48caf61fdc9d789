#!/usr/bin/env python3
"""`gazette cluster` and `gazette related` on awkward files: lines that are
not JSON or have no id are skipped with a warning, a repeated id is
skipped (printed once), empty texts, one-word titles, null or unparsable
times and sources, numeric ids, a language without a stemmer and an
article far out of time order all come out as one line each; exit 0.
A missing file is exit 1, a bad --k exit 1 with a message."""
import json
import os
import subprocess
import sys
import tempfile

GZ = os.environ["GAZETTE"]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


recs = [
    {"id": "a", "time": "2025-08-07", "source": "DW", "title": "Elbe floods Dresden old town",
     "text": "Heavy rain caused the river Elbe to burst its banks near Dresden on Tuesday, "
             "flooding the old town and forcing thousands of residents to leave their homes."},
    {"id": "b", "time": "2025-08-07T10:00:00Z", "source": "MDR",
     "title": "Thousands evacuated as Elbe floods Dresden",
     "text": "Thousands of people were evacuated from Dresden after the Elbe flooded the old "
             "town and residents had to leave their homes."},
    {"id": "a", "time": None, "source": None, "title": "dup id", "text": "again"},
    {"id": 17, "time": None, "source": None, "title": "Breaking", "text": ""},
    {"id": "e", "time": "not a date", "source": 5, "title": "", "text": ""},
    {"id": "j", "time": "2025-08-07", "source": "NHK", "title": "東京で大雨", "lang": "ja",
     "text": "東京都内で記録的な大雨が降り、多摩川が氾濫しました。"},
    {"id": "old", "time": "1999-01-01", "source": "X", "title": "Elbe floods Dresden",
     "text": "The Elbe flooded Dresden."},
    {"id": "c", "time": 1754560000, "source": "BBC", "title": "Dresden flood",
     "text": "Heavy rain caused the river Elbe to burst its banks near Dresden on Tuesday, "
             "flooding the old town and forcing thousands of residents to leave their homes."},
]
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "in.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        f.write("this is not json\n")
        f.write(json.dumps({"title": "no id"}) + "\n")
        f.write("\n")
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    p = subprocess.run([GZ, "cluster", path], capture_output=True, text=True)
    check(p.returncode == 0, "cluster exits 0 (got %d: %s)" % (p.returncode, p.stderr))
    lines = [l.split("\t") for l in p.stdout.splitlines()]
    ids = [l[0] for l in lines]
    check(ids == ["a", "b", "17", "e", "j", "old", "c"], "one line per unique id: %s" % ids)
    lab = dict((l[0], l[1]) for l in lines if len(l) == 2)
    check(lab.get("a") == lab.get("b") == lab.get("c"), "the flood pieces are one story")
    check(lab.get("old") != lab.get("a"), "a 1999 article does not join a 2025 story")
    check(lab.get("17") != lab.get("e"), "empty articles are not one story")
    check("not a JSON object" in p.stderr, "bad line warned")
    check("no id" in p.stderr, "missing id warned")
    check("seen before" in p.stderr, "repeated id warned")

    p = subprocess.run([GZ, "related", path, "--k", "3"], capture_output=True, text=True)
    check(p.returncode == 0, "related exits 0")
    rel = dict(l.split("\t", 1) for l in p.stdout.splitlines())
    check(set(rel["a"].split(",")) == {"b", "c"}, "related of a: %s" % rel.get("a"))
    check(rel["17"] == "" and rel["e"] == "", "empty articles have no related articles")
    check(len(rel) == 7, "one related line per unique id")

    p = subprocess.run([GZ, "related", path, "--k", "0"], capture_output=True, text=True)
    check(p.returncode == 1 and "--k" in p.stderr, "bad --k refused")
    p = subprocess.run([GZ, "cluster", os.path.join(tmp, "missing.jsonl")],
                       capture_output=True, text=True)
    check(p.returncode == 1 and "cannot open" in p.stderr, "missing file is an error")
    p = subprocess.run([GZ, "cluster"], capture_output=True, text=True)
    check(p.returncode == 2, "no file is a usage error")
sys.exit(1 if failures else 0)
