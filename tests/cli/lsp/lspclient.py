"""A small LSP client over stdio for okr's tests and measurements: starts `okr lsp`, frames
messages with Content-Length, reads what the server sends back.

    with LspClient([okr, "--as-of", "2026-11-15", "lsp"], cwd=folder) as c:
        c.request("initialize", {"rootUri": uri(folder)})
"""
import json
import os
import select
import subprocess
import time
import urllib.parse


def uri(path):
    return "file://" + urllib.parse.quote(os.path.abspath(path))


class LspClient:
    def __init__(self, command, cwd=None, env=None):
        self.proc = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.buffer = b""
        self.next_id = 1
        self.notifications = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                f.close()
            except OSError:
                pass

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message):
        body = json.dumps(message).encode()
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params=None):
        m = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            m["params"] = params
        self.send(m)

    def request(self, method, params=None):
        """Sends a request and returns its response; notifications that come first are kept in
        self.notifications."""
        rid = self.next_id
        self.next_id += 1
        m = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            m["params"] = params
        self.send(m)
        while True:
            msg = self.read()
            if msg is None:
                return None
            if msg.get("id") == rid and "method" not in msg:
                return msg
            self.notifications.append(msg)

    def read(self, timeout=20):
        """The next message, or None at the end of the server's output."""
        deadline = time.monotonic() + timeout
        while True:
            head, sep, rest = self.buffer.partition(b"\r\n\r\n")
            if sep:
                length = None
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if length is not None and len(rest) >= length:
                    self.buffer = rest[length:]
                    return json.loads(rest[:length])
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the server sent nothing for %d s" % timeout)
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                return None
            self.buffer += chunk

    def diagnostics_until_quiet(self, quiet=0.3):
        """Every publishDiagnostics the server sends until it is quiet for `quiet` seconds."""
        out = []
        while True:
            try:
                msg = self.read(timeout=quiet)
            except TimeoutError:
                return out
            if msg is None:
                return out
            out.append(msg)
