"""Kinitro policy server for {{name}}: the reference policy contract on the Python standard library alone.

    GET  /health -> {"status": "healthy", "model_loaded": true, "uptime_seconds": 1.5}
    POST /reset  {"task_config": {"env_id", "env_name", "task_name"}} -> {"status": "ok", "episode_id": null}
    POST /act    {"obs": {...}} -> {"action": {"continuous": {...}, "discrete": {}, "extra": {}}}

Failures answer HTTP 500 {"detail": "..."}, as the reference FastAPI server does. Your code lives in policy.py
(class RobotPolicy); this file should not need changes. Run it: python3 server.py --port 8000
"""

import argparse
import array
import asyncio
import base64
import inspect
import json
import os
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from policy import RobotPolicy

# Two 84x84 cameras with depth are ~130 KiB of JSON per /act; the cap only stops a runaway client.
MAX_BODY_BYTES = 32 * 1024 * 1024
ARRAY_TYPECODES = {"uint8": "B", "float32": "f"}


class Image:
    """One camera image as it arrived: raw C-order bytes, shape [H, W, C] and dtype ("uint8" or "float32")."""

    def __init__(self, data, shape, dtype):
        if dtype not in ARRAY_TYPECODES:
            raise ValueError("unsupported image dtype %r" % (dtype,))
        self.data = data
        self.shape = tuple(int(n) for n in shape)
        self.dtype = dtype

    def values(self):
        """The pixels as one flat array.array (row-major; C values per pixel)."""
        flat = array.array(ARRAY_TYPECODES[self.dtype])
        flat.frombytes(self.data)
        if sys.byteorder == "big":  # the wire is little-endian
            flat.byteswap()
        return flat

    def to_numpy(self):
        """A numpy array of shape [H, W, C]; needs numpy installed in the policy's environment."""
        import numpy as np  # imported here so the template runs without numpy

        dtype = np.dtype("<f4") if self.dtype == "float32" else np.uint8
        return np.frombuffer(self.data, dtype=dtype).reshape(self.shape)


def decode_observation(wire):
    def images(group):
        return {
            name: Image(base64.b64decode(img["data"]), img["shape"], img.get("dtype", "uint8"))
            for name, img in (wire.get(group) or {}).items()
        }

    return {
        "rgb": images("rgb"),
        "depth": images("depth"),
        "proprio": wire.get("proprio") or {},
        "cam_intrinsics": wire.get("cam_intrinsics") or {},
        "cam_extrinsics": wire.get("cam_extrinsics") or {},
        "extra": wire.get("extra") or {},
    }


def numbers(values):
    if hasattr(values, "tolist"):  # numpy arrays and scalars
        values = values.tolist()
    return [float(v) for v in values]


def encode_action(action):
    """RobotPolicy.act's answer -> the wire Action. A flat list of 7 numbers is ee_twist (6) then gripper (1)."""
    if isinstance(action, dict):
        return {
            "continuous": {key: numbers(v) for key, v in (action.get("continuous") or {}).items()},
            "discrete": {key: int(v) for key, v in (action.get("discrete") or {}).items()},
            "extra": action.get("extra") or {},
        }
    flat = numbers(action)
    if len(flat) != 7:
        raise ValueError("a flat action needs 7 numbers (ee_twist 6 + gripper 1), got %d" % len(flat))
    return {"continuous": {"ee_twist": flat[:6], "gripper": flat[6:]}, "discrete": {}, "extra": {}}


class PolicyHost:
    """Owns the policy: one call at a time (the evaluator never overlaps them), sync or async methods alike."""

    def __init__(self, policy):
        self.policy = policy
        self.lock = threading.Lock()
        self.loop = asyncio.new_event_loop()
        self.started = time.monotonic()

    def call(self, name, *args):
        with self.lock:
            result = getattr(self.policy, name)(*args)
            # The reference template's RobotPolicy is async; a coroutine runs to completion here.
            if inspect.isawaitable(result):
                result = self.loop.run_until_complete(result)
            return result


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the evaluator reuses one connection for a whole episode
    # The status line and the body leave in separate writes; with Nagle's algorithm on, the body would wait
    # for the client's delayed ACK (tens of milliseconds on every step).
    disable_nagle_algorithm = True
    server_version = "kinitro-policy"
    host = None  # the PolicyHost, set in main()

    def log_message(self, fmt, *args):
        # One line per request would drown the lines that matter in the evaluator's bounded log buffer.
        pass

    def reply(self, status, body):
        payload = json.dumps(body, allow_nan=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            raise ValueError("request body over %d bytes" % MAX_BODY_BYTES)
        body = json.loads(self.rfile.read(length) or b"{}")
        if not isinstance(body, dict):
            raise ValueError("the request body must be a JSON object")
        return body

    def do_GET(self):
        if self.path.split("?")[0] != "/health":
            return self.reply(404, {"detail": "Not Found"})
        host = self.host
        self.reply(
            200,
            {
                "status": "healthy",
                "model_loaded": bool(host.call("is_loaded")),
                "uptime_seconds": time.monotonic() - host.started,
            },
        )

    def do_POST(self):
        route = self.path.split("?")[0]
        try:
            body = self.read_body()
        except ValueError as err:
            return self.reply(422, {"detail": str(err)})
        if route == "/reset":
            handler = self.reset
        elif route == "/act":
            handler = self.act
        else:
            return self.reply(404, {"detail": "Not Found"})
        try:
            self.reply(200, handler(body))
        except Exception as err:  # the reference answers 500 with the reason; the evaluator records the failure
            print("%s failed: %s: %s" % (route, type(err).__name__, err), file=sys.stderr, flush=True)
            self.reply(500, {"detail": "%s: %s" % (type(err).__name__, err)})

    def reset(self, body):
        episode_id = self.host.call("reset", body.get("task_config") or {})
        return {"status": "ok", "episode_id": episode_id}

    def act(self, body):
        action = self.host.call("act", decode_observation(body.get("obs") or {}))
        return {"action": encode_action(action)}


def main(argv=None):
    parser = argparse.ArgumentParser(description="Kinitro policy server for {{name}}")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")), help="0 picks a free port")
    # 0.0.0.0 because a Kubernetes evaluator reaches the policy at the pod's address; the local runtimes
    # connect to 127.0.0.1 (or a sandbox with no network at all).
    parser.add_argument("--host", default="0.0.0.0")
    args = parser.parse_args(argv)

    # The model loads before the port opens: until then the evaluator's health check keeps retrying.
    Handler.host = PolicyHost(RobotPolicy())
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True

    def stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("policy server listening on %s:%d" % (args.host, server.server_address[1]), flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        Handler.host.call("cleanup")


if __name__ == "__main__":
    main()
