"""One engine's side of bench/engine.py, run in a fresh interpreter.

Usage: python engine_child.py SPEC.json. SPEC names the engine's folder (put
first on sys.path, so `import micrograd` finds that engine), the data, the
starting parameters and the number of steps. Prints one JSON line of results.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
import tracemalloc
from pathlib import Path


def load_training_loop(path: str):
    """Load micrograd/train.py by path: it imports no engine, so it runs on either."""
    spec = importlib.util.spec_from_file_location("bench_train", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def count_nodes(root) -> int:
    seen, stack = set(), [root]
    while stack:
        v = stack.pop()
        if id(v) not in seen:
            seen.add(id(v))
            stack.extend(v._prev)
    return len(seen)


def build_model(MLP, Value, params: list[float], ours: bool):
    model = MLP(2, [16, 16, 1], activation="relu", linear_output=True) if ours else MLP(2, [16, 16, 1])
    for p, value in zip(model.parameters(), params, strict=True):
        p.data = value
    return model


def chain_seconds(Value, depth: int) -> float | str:
    start = time.perf_counter()
    try:
        x = Value(1.0)
        y = x
        for _ in range(depth):
            y = y * 1.0001 + 0.5
        y.backward()
    except RecursionError:
        return "RecursionError"
    return time.perf_counter() - start


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    sys.path.insert(0, spec["engine_path"])
    from micrograd.engine import Value
    from micrograd.nn import MLP

    loop = load_training_loop(spec["train_module"])
    ours = spec["name"] == "ours"
    xs, ys = spec["xs"], spec["ys"]

    # memory per node: one forward and backward of the demo's loss graph
    model = build_model(MLP, Value, spec["params"], ours)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    loss, _ = loop.hinge_loss(model, xs, ys)
    loss.backward()
    bytes_per_node = (tracemalloc.get_traced_memory()[0] - before) / count_nodes(loss)
    tracemalloc.stop()
    del loss

    model = build_model(MLP, Value, spec["params"], ours)
    start = time.perf_counter()
    history = loop.train(model, xs, ys, steps=spec["steps"])
    seconds = time.perf_counter() - start
    _, accuracy = loop.hinge_loss(model, xs, ys)

    print(
        json.dumps(
            {
                "seconds": seconds,
                "losses": history.losses,
                "accuracy": accuracy,
                "bytes_per_node": bytes_per_node,
                "chain_seconds": chain_seconds(Value, spec["chain_depth"]),
            }
        )
    )


if __name__ == "__main__":
    main()
