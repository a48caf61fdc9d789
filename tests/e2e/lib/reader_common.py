"""What the reader's end-to-end tests share: a corpus generator, the gazette
command line, a server on a free loopback port, a browser-like client that
keeps cookies and runs every HTML page through tidy, and API clients for
Fever and the Google Reader API as reading apps use them."""
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.parse

GZ = os.environ["GAZETTE"]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
    return cond


def finish(name):
    if failures:
        print("%s: %d failure(s)" % (name, len(failures)), file=sys.stderr)
        sys.exit(1)
    print("%s: ok" % name)


def tidy_errors(html):
    if not shutil.which("tidy"):
        return ""
    p = subprocess.run(["tidy", "-q", "-e", "--show-warnings", "no"], input=html.encode(),
                       capture_output=True)
    return p.stderr.decode() if p.returncode >= 2 else ""


def tmpdir(prefix):
    return tempfile.mkdtemp(prefix=prefix)


def write_corpus(path, articles):
    """articles: dicts with id, source, title, text, published (ISO)."""
    with open(path, "w") as f:
        for a in articles:
            f.write(json.dumps(a) + "\n")


WORDS = """harbor quartz lantern meadow cobalt falcon glacier orchard velvet canyon ember
saffron thimble walnut zephyr prism tundra marble hazel beacon comet fjord juniper kelp
lagoon magnet nectar opal pepper quiver raven summit tulip umber vortex willow yarrow
zinc anchor bramble cedar dune fern garnet heron iris jasper kestrel lotus mango nutmeg
oyster pebble quince reed sable thistle urchin violet wren yucca acorn basil clover
delta egret flint gorse hollow ivory jade kiln lichen moss nickel onyx plume quail
rust slate topaz ulna vale wasp yew zenith alder birch coral drift elm frost gull""".split()


def made_up(rng):
    return "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3))


def standard_corpus(path, n_per_source=10, extra=()):
    """Three sources with n articles each, every one about different things
    (so that clustering keeps them apart), plus extra records."""
    import random
    rng = random.Random(11)
    arts = []
    sources = ["Alpha Wire", "Beta Post", "Gamma Daily"]
    for i in range(n_per_source):
        for k, s in enumerate(sources):
            day = 1 + (i % 27)
            # words of its own: made-up ones, so that no two articles share much
            topic = " ".join(rng.sample(WORDS, 2) + [made_up(rng) for _ in range(3)])
            body = " ".join(made_up(rng) for _ in range(25))
            arts.append({
                "id": "%s-%d" % (s.split()[0].lower(), i),
                "source": s,
                "url": "https://%s.example/%d" % (s.split()[0].lower(), i),
                "published": "2025-08-%02dT%02d:00:00Z" % (day, 8 + k),
                "title": "%s %s" % (topic.capitalize(), "weather" if i % 2 else "news"),
                "text": "%s.\n\n%s." % (body, " ".join(made_up(rng) for _ in range(20))),
            })
    arts.extend(extra)
    write_corpus(path, arts)
    return arts


def gazette(args, db, stdin=None, env=None):
    e = dict(os.environ)
    if env:
        e.update(env)
    return subprocess.run([GZ] + args + ["--db", db], input=stdin, capture_output=True,
                          text=True, env=e)


def import_corpus(db, path):
    r = gazette(["import", path], db)
    check(r.returncode == 0, "import: %s" % r.stderr[-500:])


def add_user(db, name, password, api_password=None):
    r = gazette(["user", "add", name, "--password-stdin"], db, password + "\n")
    check(r.returncode == 0, "user add %s: %s" % (name, r.stderr))
    if api_password:
        r = gazette(["user", "api-password", name, "--password-stdin"], db, api_password + "\n")
        check(r.returncode == 0 and "set the API password" in r.stdout,
              "user api-password %s: %s" % (name, r.stdout + r.stderr))


def serve(db, *more):
    # under ThreadSanitizer a race ends the server with 66 (stop() returns it)
    env = dict(os.environ)
    env.setdefault("TSAN_OPTIONS", "halt_on_error=1 exitcode=66")
    srv = subprocess.Popen([GZ, "serve", "--db", db, "--listen", "127.0.0.1:0", "--log-level",
                            os.environ.get("GZ_LOG", "warn")] + list(more),
                           stdout=subprocess.PIPE, text=True, env=env)
    line = srv.stdout.readline()
    m = re.search(r"port (\d+)", line)
    if not m:
        srv.kill()
        raise SystemExit("serve did not print its port: %r" % line)
    return srv, int(m.group(1))


def stop(srv):
    """Stop a server; its exit status must be 0 (no sanitizer report, no crash)."""
    srv.send_signal(signal.SIGTERM)
    try:
        rc = srv.wait(timeout=20)
    except subprocess.TimeoutExpired:
        srv.kill()
        rc = None
    check(rc == 0, "the server exits cleanly (status %r)" % rc)
    return rc


def fetch(port, method, path, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    c.close()
    return r.status, data, hdrs


class Browser:
    """A browser in miniature: keeps cookies, sends forms, never follows redirects."""

    def __init__(self, port, name=""):
        self.port = port
        self.name = name
        self.cookies = {}
        self.pages = 0

    def request(self, method, path, form=None, headers=None):
        h = dict(headers or {})
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            h.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        text = r.read().decode("utf-8")
        hdrs = r.getheaders()
        c.close()
        for k, v in hdrs:
            if k.lower() != "set-cookie":
                continue
            name, _, rest = v.partition("=")
            value = rest.split(";")[0]
            if "Max-Age=0" in v:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        hd = {k.lower(): v for k, v in hdrs}
        if hd.get("content-type", "").startswith("text/html") and text:
            errs = tidy_errors(text)
            self.pages += 1
            check(not errs, "%s %s is valid HTML: %s" % (method, path, errs))
        return r.status, text, hd

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, form):
        return self.request("POST", path, form=form)

    def csrf(self, path):
        _, page, _ = self.get(path)
        m = re.search(r'name="csrf" value="([^"]+)"', page)
        check(m is not None, "%s: %s has a CSRF field" % (self.name, path))
        return m.group(1) if m else ""

    def login(self, name, password):
        t = self.csrf("/login")
        return self.post("/login", {"csrf": t, "name": name, "password": password})

    def form(self, page_path, action, fields, pick=None):
        """Post the form for action found on page_path (its hidden fields + fields)."""
        _, page, _ = self.get(page_path)
        forms = re.findall(r'<form[^>]*action="%s"[^>]*>(.*?)</form>' % re.escape(action), page,
                           re.S)
        if pick is not None:
            forms = [f for f in forms if pick in f]
        check(forms, "%s has a form for %s%s" % (page_path, action,
                                                 " with %r" % pick if pick else ""))
        data = {}
        if forms:
            for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"',
                                          forms[0]):
                data[name] = value.replace("&amp;", "&").replace("&quot;", '"')
        data.update(fields)
        return self.post(action, data)


def fever_key(name, password):
    return hashlib.md5(("%s:%s" % (name, password)).encode()).hexdigest()


class Fever:
    """A Fever client: POSTs api_key in the body, the request in the query."""

    def __init__(self, port, key, base="/fever/"):
        self.port = port
        self.key = key
        self.base = base

    def call(self, query="", **body):
        form = {"api_key": self.key}
        form.update({k: str(v) for k, v in body.items()})
        path = self.base + "?api" + ("&" + query if query else "")
        status, data, h = fetch(self.port, "POST", path, urllib.parse.urlencode(form).encode(),
                               {"Content-Type": "application/x-www-form-urlencoded"})
        check(status == 200, "fever %s: status %d" % (query, status))
        check(h.get("content-type", "").startswith("application/json"),
              "fever answers JSON: %r" % h.get("content-type"))
        return json.loads(data)

    def ids(self, query):
        j = self.call(query)
        field = "unread_item_ids" if "unread" in query else "saved_item_ids"
        s = j.get(field, "")
        return [int(x) for x in s.split(",") if x]


class GReader:
    """A Google Reader API client as NetNewsWire and Reeder drive it."""

    def __init__(self, port, prefix=""):
        self.port = port
        self.prefix = prefix
        self.auth = None
        self.t = None

    def login(self, email, passwd, output=None):
        form = {"Email": email, "Passwd": passwd}
        if output:
            form["output"] = output
        return fetch(self.port, "POST", self.prefix + "/accounts/ClientLogin",
                    urllib.parse.urlencode(form).encode(),
                    {"Content-Type": "application/x-www-form-urlencoded"})

    def headers(self):
        return {"Authorization": "GoogleLogin auth=%s" % self.auth} if self.auth else {}

    def get(self, path, params=None):
        q = urllib.parse.urlencode(params or [], doseq=True)
        return fetch(self.port, "GET", self.prefix + "/reader/api/0/" + path + ("?" + q if q else ""),
                    None, self.headers())

    def post(self, path, form, with_t=True):
        data = list(form) if isinstance(form, list) else list(form.items())
        if with_t and self.t:
            data.append(("T", self.t))
        h = self.headers()
        h["Content-Type"] = "application/x-www-form-urlencoded"
        return fetch(self.port, "POST", self.prefix + "/reader/api/0/" + path,
                    urllib.parse.urlencode(data).encode(), h)

    def json(self, path, params=None):
        status, data, h = self.get(path, params)
        check(status == 200, "greader %s: status %d %r" % (path, status, data[:200]))
        try:
            return json.loads(data)
        except ValueError:
            check(False, "greader %s answers JSON: %r" % (path, data[:200]))
            return {}

    def all_ids(self, params):
        """Page through stream/items/ids with the continuation; every id in order."""
        out = []
        p = dict(params)
        for _ in range(1000):
            j = self.json("stream/items/ids", p)
            out.extend(int(x["id"]) for x in j.get("itemRefs", []))
            c = j.get("continuation")
            if not c:
                break
            p["c"] = c
        return out


def long_id(n):
    return "tag:google.com,2005:reader/item/%016x" % n
