#!/bin/sh
# The feed commands end to end: parse (one file, several files, errors),
# discover on a saved page, import-opml into a store and export-opml back.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cat > "$tmp/a.xml" <<'XML'
<rss version="2.0"><channel><title>A &amp; B</title>
<item><title>One</title><link>/1</link><pubDate>Thu, 07 Aug 2025 14:03:00 GMT</pubDate></item>
</channel></rss>
XML
printf '<html><body>not a feed</body></html>' > "$tmp/page.html"

out=$("$GAZETTE" parse --json --url https://example.com/feed "$tmp/a.xml")
echo "$out" | grep -q '"title":"A & B"' || fail "parse: feed title: $out"
echo "$out" | grep -q '"link":"https://example.com/1"' || fail "parse: link not resolved: $out"
echo "$out" | grep -q '"published":"2025-08-07T14:03:00Z"' || fail "parse: date: $out"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] || fail "parse: not one line"

# several files: JSON Lines, and a failure makes the status 1 but the rest is printed
if "$GAZETTE" parse --json "$tmp/a.xml" "$tmp/page.html" "$tmp/a.xml" > "$tmp/out.jsonl" 2> "$tmp/err"; then
    fail "parse: an HTML page was accepted"
fi
[ "$(wc -l < "$tmp/out.jsonl")" -eq 2 ] || fail "parse: expected 2 lines of JSON"
grep -q '"file":"' "$tmp/out.jsonl" || fail "parse: no file member in JSON Lines"
grep -q 'not a feed' "$tmp/err" || fail "parse: no error for the page: $(cat "$tmp/err")"

# discovery
cat > "$tmp/site.html" <<'HTML'
<html><head><link rel="alternate" type="application/atom+xml" href="/atom.xml" title="Atom">
<link rel="alternate" type="application/rss+xml" href="feeds/rss.xml"></head></html>
HTML
"$GAZETTE" discover --url https://news.example/a/b.html "$tmp/site.html" > "$tmp/found"
[ "$(sed -n 1p "$tmp/found")" = "https://news.example/atom.xml" ] || fail "discover: $(cat "$tmp/found")"
[ "$(sed -n 2p "$tmp/found")" = "https://news.example/a/feeds/rss.xml" ] || fail "discover 2"
grep -qx "https://news.example/feed" "$tmp/found" || fail "discover: no common path"

# OPML in, OPML out, and in again: the same sources
cat > "$tmp/subs.opml" <<'OPML'
<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><head><title>Mine</title></head><body>
<outline text="News"><outline text="World">
  <outline type="rss" text="Le &quot;Monde&quot;" xmlUrl="https://lemonde.example/rss?a=1&amp;b=2" htmlUrl="https://lemonde.example/"/>
</outline></outline>
<outline type="rss" text="&xxe;" xmlUrl="https://x.example/feed"/>
<outline type="rss" text="Local" xmlUrl="file:///etc/passwd"/>
</body></opml>
OPML
"$GAZETTE" import-opml --db "$tmp/one.db" "$tmp/subs.opml" > "$tmp/import.out" 2>&1 ||
    fail "import-opml: $(cat "$tmp/import.out")"
grep -q "imported 2 sources" "$tmp/import.out" || fail "import-opml: $(cat "$tmp/import.out")"
"$GAZETTE" export-opml --db "$tmp/one.db" > "$tmp/out.opml" 2>/dev/null
grep -q '<outline text="News" title="News">' "$tmp/out.opml" || fail "export: no folder"
grep -q 'xmlUrl="https://lemonde.example/rss?a=1&amp;b=2"' "$tmp/out.opml" || fail "export: url"
grep -q 'text="Le &quot;Monde&quot;"' "$tmp/out.opml" || fail "export: title"
! grep -q 'root:' "$tmp/out.opml" || fail "export: /etc/passwd leaked"
! grep -q 'file://' "$tmp/out.opml" || fail "export: a file URL was imported"
"$GAZETTE" import-opml --db "$tmp/two.db" "$tmp/out.opml" > /dev/null 2>&1
"$GAZETTE" export-opml --db "$tmp/two.db" > "$tmp/again.opml" 2>/dev/null
cmp -s "$tmp/out.opml" "$tmp/again.opml" || fail "export/import/export changed the list"
echo "feed commands: ok"
