"""Kinitro policy server: the reference contract on the Python standard library alone.

GET  /health -> {"status": "healthy", "model_loaded": bool, "uptime_seconds": float}
POST /reset  {"task_config": {"env_id", "env_name", "task_name"}} -> {"status": "ok", "episode_id": null}
POST /act    {"obs": {...}} -> {"action": {"continuous": {...}, "discrete": {...}, "extra": {...}}}

Errors answer HTTP 500 {"detail": "..."} like the reference FastAPI template. Put your model in policy.py;
this file should not need changes.
"""

import argparse
import array
import base64
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import policy

try:  # numpy is optional: images become arrays when it is installed, Image objects otherwise
    import numpy as np
except ImportError:  # pragma: no cover - depends on the machine
    np = None

# Two 84x84 RGB + depth cameras are ~130 KiB of JSON; leave room for bigger cameras.
MAX_BODY_BYTES = 16 * 1024 * 1024
_TYPECODES = {"uint8": "B", "float32": "f"}


class Image:
    """A decoded image without numpy: raw C-order bytes plus shape and dtype."""

    def __init__(self, data, shape, dtype):
        self.data = data
        self.shape = tuple(shape)
        self.dtype = dtype

    def tolist(self):
        """Nested lists [H][W][C], like numpy's ndarray.tolist()."""
        flat = array.array(_TYPECODES[self.dtype])
        flat.frombytes(self.data)
        if sys.byteorder != "little":
            flat.byteswap()
        values = flat.tolist()
        for dim in reversed(self.shape[1:]):
            values = [values[i : i + dim] for i in range(0, len(values), dim)]
        return values


def decode_image(wire):
    raw = base64.b64decode(wire["data"])
    dtype = wire.get("dtype", "uint8")
    if dtype not in _TYPECODES:
        raise ValueError("unsupported image dtype %r" % (dtype,))
    if np is not None:
        return np.frombuffer(raw, dtype="<f4" if dtype == "float32" else np.uint8).reshape(wire["shape"])
    return Image(raw, wire["shape"], dtype)


def decode_observation(obs):
    return {
        "rgb": {k: decode_image(v) for k, v in (obs.get("rgb") or {}).items()},
        "depth": {k: decode_image(v) for k, v in (obs.get("depth") or {}).items()},
        "proprio": obs.get("proprio") or {},
        "cam_intrinsics": obs.get("cam_intrinsics") or {},
        "cam_extrinsics": obs.get("cam_extrinsics") or {},
        "extra": obs.get("extra") or {},
    }


def to_list(values):
    if hasattr(values, "tolist"):
        values = values.tolist()
    return [float(x) for x in values]


def encode_action(action, raw_flat):
    """The policy's answer -> the wire Action. A flat 7-vector maps to ee_twist[6] + gripper[1]."""
    if isinstance(action, dict):
        out = {"continuous": {k: to_list(v) for k, v in (action.get("continuous") or {}).items()}}
        out["discrete"] = {k: int(v) for k, v in (action.get("discrete") or {}).items()}
        out["extra"] = action.get("extra") or {}
        return out
    flat = to_list(action)
    if raw_flat:
        return flat
    if len(flat) != 7:
        raise ValueError("a flat action must have 7 numbers (ee_twist 6 + gripper 1), got %d" % len(flat))
    return {"continuous": {"ee_twist": flat[:6], "gripper": flat[6:]}, "discrete": {}, "extra": {}}


class State:
    def __init__(self, raw_flat):
        self.started = time.monotonic()
        self.lock = threading.Lock()  # the evaluator calls one at a time; models need not be thread-safe
        self.model_loaded = False
        self.raw_flat = raw_flat
        self.counts = {"reset": 0, "act": 0, "errors": 0}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: one connection per episode
    # Headers and body go out in two writes; with Nagle on, the body waits for a delayed ACK (~40 ms a step).
    disable_nagle_algorithm = True
    server_version = "kinitro-policy/1"
    state = None  # set in main()

    def log_message(self, fmt, *args):  # quiet: one line per request would flood the evaluator's log buffer
        pass

    def send_json(self, status, body):
        payload = json.dumps(body, allow_nan=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def read_json(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            raise ValueError("request body too large")
        body = json.loads(self.rfile.read(length) or b"null")
        if not isinstance(body, dict):
            raise ValueError("body is not a JSON object")
        return body

    def do_GET(self):
        if self.path.split("?")[0] != "/health":
            return self.send_json(404, {"detail": "Not Found"})
        s = self.state
        self.send_json(
            200,
            {
                "status": "healthy",
                "model_loaded": s.model_loaded,
                "uptime_seconds": time.monotonic() - s.started,
            },
        )

    def do_POST(self):
        path = self.path.split("?")[0]
        if path not in ("/reset", "/act"):
            self.read_body_quietly()
            return self.send_json(404, {"detail": "Not Found"})
        s = self.state
        try:
            body = self.read_json()
        except ValueError as err:
            self.close_connection = True
            return self.send_json(422, {"detail": str(err)})
        try:
            with s.lock:
                if path == "/reset":
                    s.counts["reset"] += 1
                    policy.reset(body.get("task_config") or {})
                    answer = {"status": "ok", "episode_id": None}
                else:
                    s.counts["act"] += 1
                    action = policy.act(decode_observation(body.get("obs") or {}))
                    answer = {"action": encode_action(action, s.raw_flat)}
            self.send_json(200, answer)
        except Exception as err:  # the reference answers 500 with the reason
            s.counts["errors"] += 1
            self.send_json(500, {"detail": "%s: %s" % (type(err).__name__, err)})

    def read_body_quietly(self):
        length = int(self.headers.get("Content-Length") or 0)
        if 0 < length <= MAX_BODY_BYTES:
            self.rfile.read(length)
        else:
            self.close_connection = True


def main(argv=None):
    parser = argparse.ArgumentParser(description="Kinitro policy server")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument(
        "--raw-actions",
        action="store_true",
        help="send a flat action list as-is instead of mapping it to ee_twist + gripper",
    )
    args = parser.parse_args(argv)
    Handler.state = State(args.raw_actions)
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    server.daemon_threads = True
    policy.load_model()
    Handler.state.model_loaded = True
    print("policy server listening on %s:%d" % (args.host, server.server_address[1]), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
