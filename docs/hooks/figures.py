"""The site's figures, drawn from the reference code when the site is built.

Nothing in figures/ is committed: every plot and graph is made here, from `micrograd` itself,
so a figure can never disagree with the code. Both editions share one set (drawn once per
build process, whichever edition asks first).
"""

from __future__ import annotations

import functools
import io
import random

from hooks.graphs import graph_svg


def _svg(fig) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", transparent=True)  # dark mode inverts it
    plt.close(fig)
    return buffer.getvalue()


def _axes(figsize=(6, 3.6)):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize)
    ax.grid(alpha=0.3)
    return fig, ax


def derivative_plot() -> bytes:
    import numpy as np

    def f(x):
        return 3 * x**2 - 4 * x + 5

    xs = np.arange(-5, 5, 0.25)
    fig, ax = _axes()
    ax.plot(xs, f(xs), label="f(x) = 3x² − 4x + 5")
    ax.plot(xs, f(3.0) + 14.0 * (xs - 3.0), "--", label="tangent at x = 3 (slope 14)")
    ax.plot([3.0], [f(3.0)], "o", color="black")
    ax.set(ylim=(-20, 110), xlabel="x", ylabel="f(x)")
    ax.legend()
    return _svg(fig)


def tanh_plot() -> bytes:
    import numpy as np

    xs = np.arange(-5, 5, 0.05)
    fig, ax = _axes()
    ax.plot(xs, np.tanh(xs), label="tanh(x)")
    ax.plot(xs, 1 - np.tanh(xs) ** 2, "--", label="its derivative, 1 − tanh(x)²")
    ax.set(xlabel="x")
    ax.legend()
    return _svg(fig)


@functools.cache
def descend(seed: int, steps: int, lr: float, zero_grad: bool = True) -> tuple[float, ...]:
    """The lecture's loop on its four examples (lessons 10 and 11 run the same one): the loss
    before each step."""
    from micrograd import MLP
    from micrograd.data import tiny

    xs, ys = tiny()
    random.seed(seed)
    model = MLP(3, [4, 4, 1])
    losses = []
    for _ in range(steps):
        loss = sum((model(x) - y) ** 2 for x, y in zip(xs, ys))
        if zero_grad:
            model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data += -lr * p.grad
        losses.append(loss.data)
    return tuple(losses)


SEEDS = range(10)  # lesson 11 runs the same ten seeds
LEARNING_RATES = (0.05, 0.5, 1.0)  # lesson 10's figure


def learning_rate_plot() -> bytes:
    fig, ax = _axes()
    for lr in LEARNING_RATES:
        ax.plot(descend(1, 60, lr), label=f"learning rate {lr}")
    ax.set(xlabel="step", ylabel="summed squared error", yscale="log")
    ax.legend()
    return _svg(fig)


def zero_grad_plot() -> bytes:
    import matplotlib.pyplot as plt

    _axes()  # selects the Agg backend
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    for ax, zero, title in zip(axes, (True, False), ("with zero_grad()", "without: the grads pile up")):
        for seed in SEEDS:
            ax.plot(descend(seed, 100, 0.05, zero), color="tab:blue" if zero else "tab:red", alpha=0.6)
        ax.set(title=f"{title}, {len(SEEDS)} seeds", xlabel="step", yscale="symlog")
        ax.set_yscale("symlog", linthresh=1e-3)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("summed squared error")
    return _svg(fig)


def demo_plots() -> tuple[bytes, bytes]:
    """The two-moons demo's training (micrograd.demo's model and loop) and what it learned."""
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.lines import Line2D
    from micrograd.data import make_moons
    from micrograd.demo import demo_model
    from micrograd.train import hinge_loss, train

    xs, ys = make_moons(100, noise=0.1, seed=1337)
    model = demo_model(1337)
    history = train(model, xs, ys, steps=100)
    _, accuracy = hinge_loss(model, xs, ys)

    fig, ax = _axes()
    ax.plot(history.losses, color="tab:blue", label="loss (hinge + L2)")
    ax.set(xlabel="step", ylabel="loss")
    right = ax.twinx()
    right.plot([100 * a for a in history.accuracies], color="tab:orange", label="training accuracy")
    right.set(ylabel="accuracy (%)", ylim=(0, 102))
    ax.legend(handles=ax.lines + right.lines, loc="center right")
    loss_svg = _svg(fig)

    X, y = np.array(xs), np.array(ys)
    xx, yy = np.meshgrid(
        np.arange(X[:, 0].min() - 1, X[:, 0].max() + 1, 0.08),
        np.arange(X[:, 1].min() - 1, X[:, 1].max() + 1, 0.08),
    )
    scores = np.array([model([a, b]).data for a, b in zip(xx.ravel(), yy.ravel())]).reshape(xx.shape)
    fig, ax = _axes(figsize=(6, 4.5))
    ax.grid(False)
    ax.contourf(xx, yy, scores > 0, levels=[-0.5, 0.5, 1.5], colors=["#f4a582", "#92c5de"], alpha=0.7)
    ax.contour(xx, yy, scores, levels=[0], colors="black", linewidths=1)
    for label, color, marker in ((-1, "#b2182b", "o"), (1, "#2166ac", "s")):
        ax.scatter(*X[y == label].T, c=color, marker=marker, s=30, edgecolors="white", linewidths=0.5)
    ax.set(xlabel="x₁", ylabel="x₂", title=f"After 100 steps: {accuracy:.0%} of the 100 points right")
    ax.legend(
        handles=[
            Line2D([], [], ls="", marker="o", color="#b2182b", label="class −1"),
            Line2D([], [], ls="", marker="s", color="#2166ac", label="class +1"),
            Line2D([], [], color="black", lw=1, label="decision boundary (score 0)"),
        ],
        loc="lower left",
        fontsize="small",
    )
    plt.setp(ax.get_legend().get_frame(), alpha=0.9)
    return loss_svg, _svg(fig)


def graph_figures() -> dict[str, bytes]:
    from micrograd.examples import EXAMPLES

    return {f"graph-{name.replace('_', '-')}.svg": graph_svg(build()) for name, build in EXAMPLES.items()}


@functools.lru_cache(maxsize=1)
def figures() -> dict[str, bytes]:
    """{file name in figures/: SVG}, drawn once per process (both editions use them)."""
    demo_loss, boundary = demo_plots()
    return {
        "derivative.svg": derivative_plot(),
        "tanh.svg": tanh_plot(),
        "learning-rates.svg": learning_rate_plot(),
        "zero-grad-bug.svg": zero_grad_plot(),
        "moons-loss.svg": demo_loss,
        "moons-boundary.svg": boundary,
        **graph_figures(),
    }
