"""Test-only fault-injecting HTTP proxy between an S3 client and moto (or any HTTP/1.1 server).

It forwards every request to --upstream unchanged (Host header included, so SigV4 signatures stay valid)
and, on a seeded random share of requests or on scripted ones, answers with a fault instead:

  slowdown   503 with an S3 <Error><Code>SlowDown</Code> body; the request is not forwarded
  error500   500 with an S3 <Error><Code>InternalError</Code> body; not forwarded
  error502   502 with an empty body; not forwarded
  reset      the connection is closed without an answer; not forwarded
  cut        forwarded; the answer's head and only part of its body (``after`` bytes, default: a random
             share) are sent, then the connection is closed. On an answer without a body: forwarded,
             then closed without an answer (the request took effect, the client does not know)
  slow       forwarded; the answer is held ``delay`` seconds (default 1) before it is sent
  hold       the request is held ``delay`` seconds (default 1), then forwarded and answered normally

Unfaulted answers (and held ones) are passed on as they arrive; faulted ones are read whole first.

Usage:
  python fault_proxy.py --upstream http://127.0.0.1:5000 [--port 0] [--rate 0.1] [--seed 1]
                        [--faults slowdown,error500,cut] [--log requests.jsonl] [--ttl 600]

It binds 127.0.0.1, prints `READY <port>` on stdout once it listens, and stops after --ttl seconds,
when its stdin (if a pipe) closes, or when the process that started it goes away.

Control endpoints (never forwarded, never faulted, not logged):
  GET  /__proxy/log            the request log: a JSON list, one object per request in arrival order:
                               {"id", "method", "path", "range", "if_match", "status", "fault",
                                "bytes_in", "bytes_sent", "body_bytes"}; bytes_sent counts the answer's body bytes
                               actually written to the client, body_bytes what upstream answered
  POST /__proxy/reset          clears the log and the script
  POST /__proxy/config         {"rate": 0.1, "seed": 7, "faults": ["slowdown", "cut"]} (any subset)
  POST /__proxy/script         appends rules, JSON list of
                               {"method": "GET", "path": "/bucket/key" (substring of the request target)
                                or "path_regex": "...", "fault": "cut", "after": 1000, "delay": 1.0,
                                "times": 1, "skip": 0}
                               A rule applies to the first `times` matching requests after skipping
                               `skip` matching ones; scripted rules take precedence over the random rate.
Every request line is also appended to --log as JSON lines when given.
"""

import argparse
import http.client
import http.server
import json
import os
import random
import re
import stat
import sys
import threading
import time
import urllib.parse

parser = argparse.ArgumentParser()
parser.add_argument("--upstream", required=True)
parser.add_argument("--port", type=int, default=0)
parser.add_argument("--rate", type=float, default=0.0)
parser.add_argument("--seed", type=int, default=None)
parser.add_argument("--faults", default="slowdown,error500,cut")
parser.add_argument("--log", default=None)
parser.add_argument("--ttl", type=float, default=600.0)
options = parser.parse_args()

upstream = urllib.parse.urlsplit(options.upstream)
UPSTREAM_HOST = upstream.hostname
UPSTREAM_PORT = upstream.port or (443 if upstream.scheme == "https" else 80)
KINDS = {"slowdown", "error500", "error502", "reset", "cut", "slow", "hold"}

lock = threading.Lock()
state = {
    "rate": options.rate,
    "faults": [f for f in options.faults.split(",") if f],
    "rng": random.Random(options.seed),
    "script": [],
    "log": [],
    "next_id": 0,
}
for kind in state["faults"]:
    if kind not in KINDS:
        sys.exit(f"unknown fault '{kind}'; known: {sorted(KINDS)}")

log_file = open(options.log, "a", buffering=1) if options.log else None

HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"}


def error_body(code, message):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message>"
        "<RequestId>FAULTPROXY</RequestId></Error>"
    ).encode()


def choose_fault(method, target):
    """The fault for this request: (kind, rule) or (None, None). Called under the lock."""
    for rule in state["script"]:
        if rule.get("method") and rule["method"].upper() != method:
            continue
        if rule.get("path") and rule["path"] not in target:
            continue
        if rule.get("path_regex") and not re.search(rule["path_regex"], target):
            continue
        if rule.get("skip", 0) > 0:
            rule["skip"] -= 1
            continue
        if rule.get("times", 1) <= 0:
            continue
        rule["times"] = rule.get("times", 1) - 1
        return rule["fault"], rule
    if state["rate"] > 0 and state["faults"] and state["rng"].random() < state["rate"]:
        return state["rng"].choice(state["faults"]), {}
    return None, None


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def read_body(self):
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def control(self, body):
        path = urllib.parse.urlsplit(self.path).path
        answer = {}
        with lock:
            if path == "/__proxy/log" and self.command == "GET":
                answer = state["log"]
            elif path == "/__proxy/reset":
                state["log"] = []
                state["script"] = []
            elif path == "/__proxy/config":
                config = json.loads(body or b"{}")
                if "rate" in config:
                    state["rate"] = float(config["rate"])
                if "seed" in config:
                    state["rng"] = random.Random(config["seed"])
                if "faults" in config:
                    state["faults"] = list(config["faults"])
            elif path == "/__proxy/script":
                state["script"].extend(json.loads(body or b"[]"))
            else:
                self.send_error(404)
                return
            data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def record(self, entry):
        with lock:
            state["log"].append(entry)
        if log_file:
            log_file.write(json.dumps(entry) + "\n")

    def handle_any(self):
        body = self.read_body()
        if self.path.startswith("/__proxy/"):
            self.control(body)
            return
        with lock:
            request_id = state["next_id"]
            state["next_id"] += 1
            fault, rule = choose_fault(self.command, self.path)
        entry = {
            "id": request_id,
            "method": self.command,
            "path": self.path,
            "range": self.headers.get("Range"),
            "if_match": self.headers.get("If-Match"),
            "status": None,
            "fault": fault,
            "bytes_in": len(body),
            "bytes_sent": 0,
            "body_bytes": 0,
        }
        try:
            self.answer(body, fault, rule or {}, entry)
        finally:
            self.record(entry)

    def send_fault(self, status, data, entry):
        entry["status"] = status
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        entry["bytes_sent"] = len(data)

    def answer(self, body, fault, rule, entry):
        if fault == "slowdown":
            return self.send_fault(503, error_body("SlowDown", "Please reduce your request rate."), entry)
        if fault == "error500":
            return self.send_fault(
                500, error_body("InternalError", "We encountered an internal error. Please try again."), entry
            )
        if fault == "error502":
            return self.send_fault(502, b"", entry)
        if fault == "reset":
            self.close_connection = True
            self.connection.close()
            return

        if fault == "hold":
            time.sleep(float(rule.get("delay", 1.0)))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        connection = http.client.HTTPConnection(UPSTREAM_HOST, UPSTREAM_PORT, timeout=300)
        try:
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            if fault in (None, "hold") and self.command != "HEAD" and response.getheader("Content-Length"):
                return self.relay(response, entry)
            data = response.read()
            status = response.status
            response_headers = response.getheaders()
        finally:
            connection.close()
        entry["status"] = status
        entry["body_bytes"] = len(data)

        if fault == "slow":
            time.sleep(float(rule.get("delay", 1.0)))
        if fault == "cut" and not data:
            self.close_connection = True
            self.connection.close()
            return

        self.send_response(status)
        content_length = None
        for name, value in response_headers:
            lower = name.lower()
            if lower in HOP_BY_HOP or lower in ("date", "server"):
                continue
            if lower == "content-length":
                content_length = value
                continue
            self.send_header(name, value)
        if self.command == "HEAD":
            self.send_header("Content-Length", content_length or "0")
        else:
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command == "HEAD" or not data:
            return
        if fault == "cut":
            after = rule.get("after")
            if after is None:
                with lock:
                    after = state["rng"].randrange(0, len(data))
            after = max(0, min(int(after), len(data) - 1))
            self.wfile.write(data[:after])
            self.wfile.flush()
            entry["bytes_sent"] = after
            self.close_connection = True
            self.connection.shutdown(2)
            self.connection.close()
            return
        self.wfile.write(data)
        entry["bytes_sent"] = len(data)

    def relay(self, response, entry):
        """Passes an unfaulted answer on as it arrives, 1 MiB at a time, so the proxy adds no latency of its own
        (a large GET is not held until its last byte) and the client's pace is upstream's."""
        entry["status"] = response.status
        self.send_response(response.status)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP and name.lower() not in ("date", "server", "content-length"):
                self.send_header(name, value)
        self.send_header("Content-Length", response.getheader("Content-Length"))
        self.end_headers()
        try:
            while True:
                chunk = response.read1(1 << 20)
                if not chunk:
                    break
                entry["body_bytes"] += len(chunk)
                self.wfile.write(chunk)
                entry["bytes_sent"] += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            # The client went away mid-body (it cancelled the read): nothing more to pass on.
            self.close_connection = True

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


server = http.server.ThreadingHTTPServer(("127.0.0.1", options.port), Handler)
server.daemon_threads = True

parent = os.getppid()


def watch_parent():
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(0.5)


def watch_stdin():
    try:
        sys.stdin.read()
    except Exception:
        pass
    os._exit(0)


threading.Thread(target=watch_parent, daemon=True).start()
if stat.S_ISFIFO(os.fstat(0).st_mode):
    threading.Thread(target=watch_stdin, daemon=True).start()
timer = threading.Timer(options.ttl, lambda: os._exit(0))
timer.daemon = True
timer.start()
print(f"READY {server.server_address[1]}", flush=True)
server.serve_forever()
