"""The two-moons demo: train a small MLP with a max-margin loss, then plot what it learned.

Run it with `python -m micrograd.demo [--steps N] [--batch-size B] [--out DIR]`.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Sequence
from pathlib import Path

from micrograd.data import make_moons
from micrograd.nn import MLP
from micrograd.train import History, hinge_loss, train


def demo_model(seed: int = 1337) -> MLP:
    """The demo's network: 2 inputs, two ReLU layers of 16, one linear output (337 parameters)."""
    random.seed(seed)
    return MLP(2, [16, 16, 1], activation="relu", linear_output=True)


def save_plots(model: MLP, xs, ys, history: History, out: Path) -> list[Path]:
    """Save the loss curve and the decision boundary as SVG files in `out`."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "loss.svg", out / "decision_boundary.svg"]

    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(history.losses, color="tab:blue")
    ax.set(xlabel="step", ylabel="loss", title="Training loss")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(paths[0])
    plt.close(fig)

    X, y = np.array(xs), np.array(ys)
    h = 0.08
    xx, yy = np.meshgrid(
        np.arange(X[:, 0].min() - 1, X[:, 0].max() + 1, h),
        np.arange(X[:, 1].min() - 1, X[:, 1].max() + 1, h),
    )
    scores = np.array([model([a, b]).data for a, b in zip(xx.ravel(), yy.ravel())])
    fig, ax = plt.subplots(figsize=(6, 4.5))
    ax.contourf(xx, yy, (scores > 0).reshape(xx.shape), cmap=plt.cm.Spectral, alpha=0.8)
    ax.scatter(X[:, 0], X[:, 1], c=y, s=40, cmap=plt.cm.Spectral, edgecolors="k")
    ax.set(title="Decision boundary after training", xlim=(xx.min(), xx.max()), ylim=(yy.min(), yy.max()))
    fig.tight_layout()
    fig.savefig(paths[1])
    plt.close(fig)
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: train the demo network and save its plots; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m micrograd.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="training steps (default 100)")
    parser.add_argument(
        "--batch-size", type=int, default=None, help="mini-batch size (default: all 100 points)"
    )
    parser.add_argument("--seed", type=int, default=1337, help="seed for the data and the initial weights")
    parser.add_argument("--out", type=Path, default=Path("build/demo"), help="folder for the plots")
    args = parser.parse_args(argv)

    from tqdm import tqdm

    xs, ys = make_moons(100, noise=0.1, seed=args.seed)
    model = demo_model(args.seed)
    print(f"{model}\nparameters: {len(model.parameters())}")
    with tqdm(total=args.steps, unit="step") as bar:

        def show(k: int, loss: float, accuracy: float) -> None:
            bar.set_postfix(loss=f"{loss:.4f}", accuracy=f"{accuracy:.0%}")
            bar.update()

        history = train(model, xs, ys, args.steps, args.batch_size, args.seed, show)
    _, final_accuracy = hinge_loss(model, xs, ys)
    print(f"final loss {history.losses[-1]:.6f}, training accuracy {final_accuracy:.0%}")
    for path in save_plots(model, xs, ys, history, args.out):
        print(f"saved {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
