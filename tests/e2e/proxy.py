#!/usr/bin/python3
"""A minimal HTTP proxy for the end-to-end tests (Python standard library only).

Handles CONNECT (tunnels for https_proxy) and absolute-URI requests (http_proxy), logs one
line per request ("CONNECT host:port" or "POST http://...") to --log, listens on 127.0.0.1
and writes its port to --port-file once listening. Exits when --watch-pid is gone.
"""
import argparse
import http.client
import os
import select
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def record(self, line):
        with self.server.lock, open(self.server.log, "a") as f:
            f.write(line + "\n")

    def do_CONNECT(self):
        self.record("CONNECT " + self.path)
        host, _, port = self.path.rpartition(":")
        try:
            upstream = socket.create_connection((host, int(port)), timeout=10)
        except OSError:
            self.send_error(502)
            return
        self.send_response(200, "Connection established")
        self.end_headers()
        conns = [self.connection, upstream]
        while True:
            ready, _, _ = select.select(conns, [], [], 10)
            if not ready:
                break
            for s in ready:
                data = s.recv(65536)
                if not data:
                    upstream.close()
                    return
                (upstream if s is self.connection else self.connection).sendall(data)
        upstream.close()

    def forward(self):
        self.record(self.command + " " + self.path)
        url = urllib.parse.urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        headers = {k: v for k, v in self.headers.items()
                   if k.lower() not in ("proxy-connection", "connection", "keep-alive")}
        conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=30)
        conn.request(self.command, url.path + ("?" + url.query if url.query else ""), body,
                     headers)
        resp = conn.getresponse()
        data = resp.read()
        self.send_response(resp.status, resp.reason)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        conn.close()

    do_GET = do_POST = do_PUT = forward


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--watch-pid", type=int)
    a = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.log = a.log
    server.lock = threading.Lock()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, a.port_file)
    while a.watch_pid is None or os.path.exists("/proc/%d" % a.watch_pid):
        time.sleep(0.5)


if __name__ == "__main__":
    main()
