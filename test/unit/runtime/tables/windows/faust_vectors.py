"""Writes test/fixtures/faust-windows.json: window ranges and windowed changelog keys computed by Python Faust's own
window classes (faust/windows.py, pure-Python versions) and Python's json/repr, for the TypeScript
tests to compare against.

Usage: python3 faust_vectors.py <path to a faust-streaming/faust checkout> > test/fixtures/faust-windows.json
Only faust/windows.py and faust/types/windows.py are loaded (with a two-line stand-in for `mode`).
"""

import importlib.util
import json
import random
import struct
import sys
import types

faust_root = sys.argv[1]

mode = types.ModuleType("mode")
mode.Seconds = float
mode.want_seconds = lambda s: s
sys.modules["mode"] = mode
for name in ("faust", "faust.types"):
    package = types.ModuleType(name)
    package.__path__ = []
    sys.modules[name] = package


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


load("faust.types.windows", f"{faust_root}/faust/types/windows.py")
windows = load("faust.windows", f"{faust_root}/faust/windows.py")
Hopping = windows._PyHoppingWindow
Sliding = windows._PySlidingWindow


def dumps(obj):
    # faust.utils.json.dumps without orjson
    return json.dumps(obj, separators=(",", ":"))


def rng(r):
    return [repr(float(r[0])), repr(float(r[1]))]


random.seed(20260101)
timestamps = [0.0, 6.0, 9.95, 10.0, 456.0, 1603122451.544989, 1603100075.123]
timestamps += [round(random.uniform(1.5e9, 1.8e9), random.randint(0, 6)) for _ in range(15)]
timestamps += [random.randint(1_000_000_000_000, 1_900_000_000_000) / 1000.0 for _ in range(15)]
configs = [(10, 5), (60, 60), (57, 23), (10, 3), (3600, 60), (300, 7), (1, 1), (86400, 3600)]

hopping = []
for size, step in configs:
    w = Hopping(size, step)
    # Configurations with many windows per timestamp get fewer timestamps, to keep the file small.
    for ts in timestamps if size // step <= 10 else timestamps[:12]:
        hopping.append(
            {
                "size": size,
                "step": step,
                "ts": repr(ts),
                "ranges": [rng(r) for r in w.ranges(ts)],
                "current": rng(w.current(ts)),
                "earliest": rng(w.earliest(ts)),
                "delta": rng(w.delta(ts, 90)),
                "keys": [dumps([621, list(r)]) for r in w.ranges(ts)],
            }
        )

sliding = []
for before, after in [(10, 5), (0.5, 2.25), (60, 0)]:
    w = Sliding(before, after, 3600)
    for ts in timestamps[:20]:
        sliding.append(
            {
                "before": before,
                "after": after,
                "ts": repr(ts),
                "ranges": [rng(r) for r in w.ranges(ts)],
                "keys": [dumps(["abc", list(r)]) for r in w.ranges(ts)],
            }
        )

floats = []
for i in range(1500):
    kind = i % 3
    if kind == 0:
        x = struct.unpack("<d", struct.pack("<Q", random.getrandbits(64)))[0]
        if x != x or x in (float("inf"), float("-inf")):
            continue
    elif kind == 1:
        x = random.choice([1, 10, 100]) * 10.0 ** random.randint(-25, 25) * random.random()
    else:
        x = round(random.uniform(0, 2e9), random.randint(0, 6))
    floats.append([struct.pack(">d", x).hex(), dumps(x)])

json.dump(
    {
        "generatedBy": "test/unit/runtime/tables/windows/faust_vectors.py from Python Faust's faust/windows.py",
        "hopping": hopping,
        "sliding": sliding,
        "floats": floats,
    },
    sys.stdout,
    separators=(",", ":"),
)
print()
