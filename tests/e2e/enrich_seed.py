#!/usr/bin/env python3
"""`gazette enrich` on the seed page's articles (shared/seed/articles.jsonl)
and on a story made of the three that cover the same event: hashtags,
entities, summary and the source diff's JSON shape.  Exits 77 when the
shared seed is not there."""
import json
import os
import subprocess
import sys
import tempfile

GZ = os.environ["GAZETTE"]
SEED = os.path.join(os.environ.get("GZ_SHARED", ""), "seed", "articles.jsonl")
if not os.path.exists(SEED):
    print("skipped: %s not found" % SEED)
    sys.exit(77)

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


recs = [json.loads(l) for l in open(SEED, encoding="utf-8") if l.strip()]
p = subprocess.run([GZ, "enrich", SEED], capture_output=True, text=True)
check(p.returncode == 0, "enrich exits 0: %d %s" % (p.returncode, p.stderr))
out = [json.loads(l) for l in p.stdout.splitlines()]
check(len(out) == len(recs), "one line per record")
main = out[0]
check(main["id"] == recs[0]["id"], "ids kept")
for t in ("#Armenia", "#Azerbaijan", "#Karabakh"):
    check(t in main["tags"], "seed hashtag %s in %s" % (t, main["tags"]))
ents = {(e["name"], e["type"]) for e in main["entities"]}
for e in (("Nikol Pashinyan", "person"), ("Ilham Aliyev", "person"), ("Nakhichevan", "place"),
          ("Syunik", "place")):
    check(e in ents, "seed entity %s in %s" % (e, sorted(ents)))
check(set(main) >= {"id", "keyphrases", "tags", "entities", "summary", "key_points"},
      "fields of an article: %s" % sorted(main))
check(main["summary"].count(". ") >= 2, "three sentences: " + main["summary"])

# the story: the three articles on the peace talks, and --sentences
story = [r for r in recs if r["story"] == recs[0]["story"]]
tmp = tempfile.mkdtemp(prefix="gz-seed-")
path = os.path.join(tmp, "story.jsonl")
with open(path, "w", encoding="utf-8") as f:
    f.write(json.dumps({"id": 7, "articles": [
        {"title": r["title"], "text": r["text"], "source": r["source"], "article_id": i + 1}
        for i, r in enumerate(story)]}) + "\n")
p = subprocess.run([GZ, "enrich", path, "--sentences", "2"], capture_output=True, text=True)
check(p.returncode == 0, "story enrich exits 0: " + p.stderr)
s = json.loads(p.stdout)
check(s["id"] == 7, "story id")
diff = s.get("source_diff", {})
check(sorted(diff) == ["shared", "sources"], "source_diff keys: %s" % sorted(diff))
check(len(diff.get("sources", [])) == len(story), "one entry per source")
for i, src in enumerate(diff.get("sources", [])):
    check(sorted(src) == ["adds", "article_id", "source"], "source entry keys: %s" % sorted(src))
    check(src["source"] == story[i]["source"] and src["article_id"] == i + 1, "source names kept")
check(len(diff.get("shared", [])) >= 1, "the sources share something")
check("#Karabakh" in s["tags"] and "#NikolPashinyan" in s["tags"], "story tags: %s" % s["tags"])

bad = subprocess.run([GZ, "enrich", path, "--sentences", "0"], capture_output=True, text=True)
check(bad.returncode == 1 and "--sentences" in bad.stderr, "--sentences 0 refused")
nofile = subprocess.run([GZ, "enrich", os.path.join(tmp, "none.jsonl")], capture_output=True,
                        text=True)
check(nofile.returncode == 1, "missing file fails")
with open(path, "w") as f:
    f.write('{"id": 1, "title": "A", "text": "Some text here."}\nnot json\n{"title": "no id"}\n')
p = subprocess.run([GZ, "enrich", path], capture_output=True, text=True)
check(p.returncode == 1 and len(p.stdout.splitlines()) == 1, "bad lines reported, good kept")
check(":2: not a JSON object" in p.stderr, "bad line named: " + p.stderr)

print("%d passed, %d failed" % (0 if failures else 1, 1 if failures else 0))
sys.exit(1 if failures else 0)
