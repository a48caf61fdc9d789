#!/usr/bin/env python3
"""A stand-in for an OpenAI-compatible chat-completions server, for tests.

Listens on 127.0.0.1 (an ephemeral port, printed as "port N" on stdout),
answers POST .../chat/completions and exits when its stdin closes or after
--lifetime seconds (default 120).  The request's "model" picks the reply:

  ok    200 with choices[0].message.content = "LLM-ANSWER: " + the last line
        of the last user message (so tests see their question come back)
  slow  the same after sleeping 3 seconds (for timeouts)
  fail  500 with {"error": {"message": "model exploded"}}
  junk  200 with a body that is not JSON
  big   200 with 2 MB of JSON
  auth  200 when the Authorization header is "Bearer sekrit", else 401

Every request is checked for the protocol's shape (messages with system and
user roles, stream false); a malformed one gets 400.
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, code, body, ctype="application/json"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        try:
            req = json.loads(self.rfile.read(n))
            msgs = req["messages"]
            assert self.path.endswith("/chat/completions")
            assert [m["role"] for m in msgs] == ["system", "user"]
            assert req.get("stream") is False
            model = req["model"]
        except Exception as e:  # the client sent something else
            self.reply(400, json.dumps({"error": {"message": "bad request: %s" % e}}))
            return
        last = msgs[-1]["content"].strip().splitlines()[-1]
        ok = json.dumps({"id": "x", "object": "chat.completion", "model": model,
                         "choices": [{"index": 0, "finish_reason": "stop",
                                      "message": {"role": "assistant",
                                                  "content": " LLM-ANSWER: " + last + "\n"}}]})
        if model == "slow":
            time.sleep(3)
            self.reply(200, ok)
        elif model == "fail":
            self.reply(500, json.dumps({"error": {"message": "model exploded"}}))
        elif model == "junk":
            self.reply(200, "<html>not json</html>", "text/html")
        elif model == "big":
            self.reply(200, json.dumps({"pad": "x" * (2 << 20)}))
        elif model == "auth":
            if self.headers.get("Authorization") == "Bearer sekrit":
                self.reply(200, ok)
            else:
                self.reply(401, json.dumps({"error": {"message": "no key"}}))
        else:
            self.reply(200, ok)


def main():
    lifetime = 120.0
    if len(sys.argv) == 3 and sys.argv[1] == "--lifetime":
        lifetime = float(sys.argv[2])
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    print("port %d" % srv.server_address[1], flush=True)
    deadline = time.time() + lifetime

    def watch_stdin():
        sys.stdin.read()
        srv.shutdown()

    t = threading.Thread(target=watch_stdin, daemon=True)
    t.start()
    while t.is_alive() and time.time() < deadline:
        t.join(0.2)
    srv.shutdown()


if __name__ == "__main__":
    main()
