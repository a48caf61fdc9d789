#!/usr/bin/env python3
"""The web server's limits, each crossed on loopback with small settings so
the test takes seconds: request body (max-body, 413, also refused before the
body is read), header count (max-headers, 431) and size (max-header-bytes),
idle connections (connection-timeout), slow clients that trickle a request a
byte at a time (request-timeout: cut off, and cannot starve other clients),
the cap on concurrent connections (max-connections) and per client address
(max-connections-per-ip).  After each, the server still answers."""
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import shutil

GZ = os.environ["GAZETTE"]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
    else:
        print("ok:", what)


def start(db, *extra):
    srv = subprocess.Popen([GZ, "serve", "--db", db, "--listen", "127.0.0.1:0",
                            "--log-level", "warn", "--no-fetch"] + list(extra),
                           stdout=subprocess.PIPE, text=True)
    line = srv.stdout.readline()
    m = re.search(r"port (\d+)", line)
    if not m:
        srv.kill()
        raise SystemExit("serve did not start: %r" % line)
    return srv, int(m.group(1))


def stop(srv):
    srv.send_signal(signal.SIGTERM)
    try:
        rc = srv.wait(timeout=15)
    except subprocess.TimeoutExpired:
        srv.kill()
        rc = None
    check(rc == 0, "serve exits 0 on SIGTERM (got %r)" % rc)


def connect(port, src="127.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    return s


def read_all(s, timeout):
    """Read until the server closes or timeout; (bytes, closed, seconds)."""
    t0 = time.monotonic()
    data = b""
    s.settimeout(timeout)
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data, True, time.monotonic() - t0
            data += chunk
    except socket.timeout:
        return data, False, time.monotonic() - t0
    except ConnectionResetError:
        return data, True, time.monotonic() - t0


def status_of(data):
    m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return int(m.group(1)) if m else None


def request(port, raw, timeout=10, src="127.0.0.1"):
    """Send raw bytes (Connection: close is the caller's), return (status, bytes)."""
    s = connect(port, src)
    try:
        s.sendall(raw)
        data, _, _ = read_all(s, timeout)
    except (BrokenPipeError, ConnectionResetError):
        data = b""
    finally:
        s.close()
    return status_of(data), data


def get(port, path="/", src="127.0.0.1", timeout=10):
    return request(port, ("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path)
                   .encode(), timeout, src)


def post(port, body, content_length=None, chunked=False):
    head = "POST /login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" \
           "Content-Type: application/x-www-form-urlencoded\r\n"
    if chunked:
        raw = head.encode() + b"Transfer-Encoding: chunked\r\n\r\n"
        for i in range(0, len(body), 1000):
            part = body[i:i + 1000]
            raw += b"%x\r\n%s\r\n" % (len(part), part)
        raw += b"0\r\n\r\n"
    else:
        n = len(body) if content_length is None else content_length
        raw = head.encode() + b"Content-Length: %d\r\n\r\n" % n + body
    return request(port, raw)


tmp = tempfile.mkdtemp(prefix="gz-limits-")
db = os.path.join(tmp, "g.db")
subprocess.run([GZ, "migrate", "--db", db], check=True, capture_output=True)

MAX_BODY = 4096
MAX_HEADERS = 20
IDLE = 2
REQUEST = 3
MAX_CONN = 6
srv, port = start(db, "--threads", "2", "--max-connections", str(MAX_CONN),
                  "--connection-timeout", str(IDLE), "--request-timeout", str(REQUEST),
                  "--max-body", str(MAX_BODY), "--max-headers", str(MAX_HEADERS),
                  "--max-header-bytes", "8192")
try:
    check(get(port)[0] == 200, "front page answers")

    # -- request body
    st, _ = post(port, b"a=" + b"x" * (MAX_BODY - 2))
    check(st not in (413, None), "a body of exactly max-body is read (got %r)" % st)
    st, _ = post(port, b"a=" + b"x" * (MAX_BODY - 1))
    check(st == 413, "a body one byte over max-body is refused with 413 (got %r)" % st)
    st, _ = post(port, b"a=" + b"x" * (4 * MAX_BODY), chunked=True)
    check(st == 413, "a chunked body over max-body is refused with 413 (got %r)" % st)
    t0 = time.monotonic()
    st, _ = post(port, b"", content_length=10 ** 12)
    check(st == 413 and time.monotonic() - t0 < 2,
          "a Content-Length of 1 TB is refused at once, before any body (got %r)" % st)

    # -- header count and size
    fields = "".join("X-F%d: v\r\n" % i for i in range(MAX_HEADERS - 3))
    st, _ = request(port, ("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s\r\n" % fields)
                    .encode())
    check(st == 200, "max-headers fields are accepted (got %r)" % st)
    fields = "".join("X-F%d: v\r\n" % i for i in range(MAX_HEADERS))
    st, _ = request(port, ("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s\r\n" % fields)
                    .encode())
    check(st == 431, "more than max-headers fields are refused with 431 (got %r)" % st)
    st, _ = request(port, ("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: %s\r\n\r\n"
                           % ("v" * 20000)).encode())
    check(st == 431, "headers over max-header-bytes are refused with 431 (got %r)" % st)
    st, _ = request(port, ("GET /%s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                           % ("p" * 20000)).encode())
    check(st is not None and 400 <= st < 500 and st != 404,
          "a request line over max-header-bytes is refused with a 4xx (got %r)" % st)
    check(get(port)[0] == 200, "still answering after the refusals")

    # -- an idle connection is closed after connection-timeout
    s = connect(port)
    data, closed, secs = read_all(s, IDLE + 6)
    s.close()
    check(closed and data == b"" and IDLE - 0.5 <= secs <= IDLE + 4,
          "a silent connection is closed after about %ds (closed=%r after %.1fs)"
          % (IDLE, closed, secs))

    # -- a keep-alive client sending requests for longer than request-timeout is not cut
    s = connect(port)
    ok = 0
    t0 = time.monotonic()
    s.settimeout(5)
    buf = b""
    try:
        while time.monotonic() - t0 < REQUEST + 1.5:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            while buf.count(b"HTTP/1.1 200") <= ok:
                chunk = s.recv(65536)
                if not chunk:
                    raise ConnectionResetError
                buf += chunk
            ok += 1
            time.sleep(0.3)
    except (OSError, ConnectionResetError):
        pass
    s.close()
    check(time.monotonic() - t0 >= REQUEST + 1.5 and ok >= 5,
          "a busy keep-alive connection outlives request-timeout (%d requests)" % ok)

    # -- slow clients: max-connections of them trickle headers a byte at a
    # time, faster than the idle timeout; each is cut off after
    # request-timeout, and meanwhile a new client waits (the cap) but is
    # then answered.
    cut = []

    def slowloris():
        s = connect(port)
        t = time.monotonic()
        try:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            for _ in range(200):
                s.sendall(b"X")
                time.sleep(0.4)
                s.setblocking(False)
                try:
                    if s.recv(1) == b"":
                        break
                except BlockingIOError:
                    pass
                finally:
                    s.setblocking(True)
        except OSError:
            pass
        cut.append(time.monotonic() - t)
        s.close()

    slow = [threading.Thread(target=slowloris) for _ in range(MAX_CONN)]
    for t in slow:
        t.start()
    time.sleep(0.8)  # let them all connect
    t0 = time.monotonic()
    st, _ = get(port, timeout=REQUEST + 10)
    waited = time.monotonic() - t0
    for t in slow:
        t.join(30)
    check(st == 200, "a client arriving behind %d slow ones is answered (got %r)" % (MAX_CONN, st))
    check(waited > 1.0,
          "with max-connections taken it waits for a free slot (%.1fs)" % waited)
    check(waited < REQUEST + 6, "and gets one once the slow clients are cut (%.1fs)" % waited)
    check(len(cut) == MAX_CONN and all(REQUEST - 0.5 <= c <= REQUEST + 4 for c in cut),
          "every slow client is cut off after about %ds: %s"
          % (REQUEST, ", ".join("%.1f" % c for c in sorted(cut))))
    st, metrics = get(port, "/metrics")
    m = re.search(rb"gazette_web_cut_off_total (\d+)", metrics)
    check(m is not None and int(m.group(1)) >= MAX_CONN, "metrics count the cut-off connections")
    m = re.search(rb"gazette_web_refused_total (\d+)", metrics)
    check(m is not None and int(m.group(1)) >= 4, "metrics count the refused requests")
finally:
    stop(srv)

# -- the cap per client address: a third connection from one address is
# closed unanswered, while another address is still served.
srv, port = start(db, "--max-connections-per-ip", "2", "--request-timeout", "10",
                  "--connection-timeout", "10")
try:
    held = [connect(port) for _ in range(2)]
    for s in held:
        s.sendall(b"GET / HTTP/1.1\r\n")
    time.sleep(0.3)
    st, data = get(port, timeout=3)
    check(st is None and data == b"",
          "a third connection from one address gets no answer (got %r)" % st)
    st, _ = get(port, src="127.0.0.2", timeout=5)
    check(st == 200, "another address is still served (got %r)" % st)
    for s in held:
        s.close()
    time.sleep(0.3)
    check(get(port)[0] == 200, "the first address is served again once its connections close")
finally:
    stop(srv)
    shutil.rmtree(tmp, ignore_errors=True)

print("%d failures" % len(failures))
sys.exit(1 if failures else 0)
