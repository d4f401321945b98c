"""Benchmark: the reference engine against PyPI's micrograd 0.1.0, side by side in one run.

    python bench/engine.py [--steps 100] [--chain 100000]

Installs micrograd==0.1.0 into bench/.cache/ (once), then trains the two-moons
demo (MLP(2, [16, 16, 1]), hinge loss, 100 points) with each engine, in its
own fresh interpreter, on the same data from the same starting parameters,
with the same training loop (micrograd/train.py). Prints the ratios.
Python's garbage collector keeps its default settings for both.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache" / "micrograd-0.1.0"
TARGETS = {"speed": 10.0, "memory": 0.25, "chain_seconds": 2.0, "loss": 1e-9}


def install_original() -> Path:
    if not (CACHE / "micrograd" / "engine.py").exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "-q",
                "--no-deps",
                "--target",
                str(CACHE),
                "micrograd==0.1.0",
            ],
            check=True,
        )
    return CACHE


def run_engine(name: str, engine_path: Path, spec: dict) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({**spec, "name": name, "engine_path": str(engine_path)}, f)
    print(f"training with {name} ...", file=sys.stderr, flush=True)
    child = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "engine_child.py"), f.name], capture_output=True, text=True
    )
    Path(f.name).unlink()
    if child.returncode != 0:
        raise SystemExit(f"the {name} run failed:\n{child.stderr}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--chain", type=int, default=100_000, help="depth of the chain test")
    parser.add_argument("--seed", type=int, default=1337)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "reference"))
    from micrograd.data import make_moons
    from micrograd.demo import demo_model

    xs, ys = make_moons(100, noise=0.1, seed=args.seed)
    params = [p.data for p in demo_model(args.seed).parameters()]
    spec = {
        "xs": xs,
        "ys": ys,
        "params": params,
        "steps": args.steps,
        "chain_depth": args.chain,
        "train_module": str(ROOT / "reference" / "micrograd" / "train.py"),
    }
    ours = run_engine("ours", ROOT / "reference", spec)
    theirs = run_engine("micrograd 0.1.0", install_original(), spec)

    speedup = theirs["seconds"] / ours["seconds"]
    memory = ours["bytes_per_node"] / theirs["bytes_per_node"]
    loss_gap = max(abs(a - b) for a, b in zip(ours["losses"], theirs["losses"], strict=True))
    chain = ours["chain_seconds"]
    rows = [
        (
            "demo training time",
            f"{ours['seconds']:.1f} s",
            f"{theirs['seconds']:.1f} s",
            f"{speedup:.1f}x faster",
            f">= {TARGETS['speed']:.0f}x",
            speedup >= TARGETS["speed"],
        ),
        (
            "memory per graph node",
            f"{ours['bytes_per_node']:.0f} B",
            f"{theirs['bytes_per_node']:.0f} B",
            f"{memory:.2f}",
            f"<= {TARGETS['memory']}",
            memory <= TARGETS["memory"],
        ),
        (
            "final training accuracy",
            f"{ours['accuracy']:.0%}",
            f"{theirs['accuracy']:.0%}",
            "",
            "100%",
            ours["accuracy"] == 1.0,
        ),
        (
            "largest loss difference, any step",
            "",
            "",
            f"{loss_gap:.1e}",
            f"<= {TARGETS['loss']:.0e}",
            loss_gap <= TARGETS["loss"],
        ),
        (
            f"{args.chain:,}-deep chain fwd+bwd",
            f"{chain:.2f} s" if isinstance(chain, float) else chain,
            f"{theirs['chain_seconds']:.2f} s"
            if isinstance(theirs["chain_seconds"], float)
            else theirs["chain_seconds"],
            "",
            f"< {TARGETS['chain_seconds']:.0f} s",
            isinstance(chain, float) and chain < TARGETS["chain_seconds"],
        ),
    ]
    print(
        f"\nmicrograd-course engine vs micrograd 0.1.0 ({args.steps} steps, Python {sys.version.split()[0]})"
    )
    header = ("measure", "ours", "0.1.0", "ratio", "target", "")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
    for row in [header, *rows]:
        mark = row[5] if isinstance(row[5], str) else ("ok" if row[5] else "MISSED")
        print("  ".join(str(c).ljust(w) for c, w in zip(row[:5], widths)) + "  " + mark)
    return 0 if all(r[5] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
