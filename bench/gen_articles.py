#!/usr/bin/env python3
"""Synthetic JSON-lines articles for benchmarks, from the demo corpus's sentences.

    bench/gen_articles.py DEMO_ARTICLES.jsonl N > out.jsonl

Writes N articles (one JSON object a line, the `gazette import` format) from
50 made-up sources, grouped into stories with a `story` label: about half the
stories have one article, the rest 2 to 20 from distinct sources, published
over a few hours to a day and a half.  Stories start at random times over the
last 30 days.  Titles are distinct; texts are 4 to 12 sentences of the demo
corpus in 2 to 4 paragraphs, so the full-text index sees real English.  The
output depends only on N and the seed (--seed, default 1) and on the day it
runs (times are relative to now).  Lines are grouped by source, oldest
first, so that `gazette import` stores them in large batches (it commits one
source's run of lines at a time)."""
import argparse
import json
import random
import re
import sys
import time

ADJ = ["Daily", "Evening", "Morning", "Global", "Metro", "National", "Coastal", "Valley",
       "Northern", "Southern", "Capital", "Harbor"]
NOUN = ["Ledger", "Herald", "Tribune", "Courier", "Observer", "Chronicle", "Post", "Gazette",
        "Sentinel", "Dispatch"]


def sentences(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            text = json.loads(line).get("text") or ""
            for s in re.split(r"(?<=[.!?])\s+", text.replace("\n", " ")):
                s = s.strip()
                if 40 <= len(s) <= 300:
                    out.append(s)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("demo")
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rnd = random.Random(args.seed)
    pool = sentences(args.demo)
    sources = ["The %s %s" % (a, n) for a in ADJ for n in NOUN][:50]
    now = int(time.time())
    titles = set()
    written = 0
    story = 0
    rows = []
    while written < args.n:
        story += 1
        r = rnd.random()
        size = 1 if r < 0.5 else rnd.randint(2, 4) if r < 0.8 else rnd.randint(5, 20)
        size = min(size, args.n - written)
        start = now - rnd.randint(0, 30 * 86400)
        lead = rnd.choice(pool)
        for src in rnd.sample(sources, size):
            words = rnd.choice(pool).rstrip(".!?").split()
            k = rnd.randint(5, 11)
            title = " ".join(words[:k])
            while title in titles:
                title += " " + rnd.choice(rnd.choice(pool).split())
            titles.add(title)
            body = [lead] + rnd.sample(pool, rnd.randint(3, 11))
            paras = []
            while body:
                take = rnd.randint(1, 4)
                paras.append(" ".join(body[:take]))
                body = body[take:]
            published = min(now, start + rnd.randint(0, 36 * 3600))
            written += 1
            slug = src.lower().replace(" ", "-")
            rows.append((src, published, written, json.dumps({
                "id": "bench-%d" % written,
                "source": src,
                "story": "bench-story-%d" % story,
                "url": "https://%s.example/%d" % (slug, written),
                "published": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(published)),
                "title": title[0].upper() + title[1:],
                "text": "\n\n".join(paras),
                "lang": "en",
            })))
    rows.sort()
    out = sys.stdout
    for row in rows:
        out.write(row[3] + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
