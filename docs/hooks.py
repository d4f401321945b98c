"""MkDocs hooks: draw the site's figures from the reference code at build time.

Nothing in docs/figures/ is committed: every graph and plot is made here, from
`micrograd` itself, when the site is built, so a figure can never disagree
with the code. The figures are added to the build as generated files.
"""

from __future__ import annotations

import io
import logging
import random

from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.figures")


def _svg(fig) -> bytes:
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
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


def descend(seed: int, steps: int, lr: float, zero_grad: bool = True) -> list[float]:
    """The lecture's loop on its four examples (lessons 10 and 11 run the same one)."""
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
    return losses


SEEDS = range(10)  # lesson 11 runs the same ten seeds


def learning_rate_plot() -> bytes:
    fig, ax = _axes()
    for lr in (0.05, 0.5, 1.0):
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
    from pathlib import Path
    from tempfile import TemporaryDirectory

    from micrograd.data import make_moons
    from micrograd.demo import demo_model, save_plots
    from micrograd.train import train

    xs, ys = make_moons(100, noise=0.1, seed=1337)
    model = demo_model(1337)
    history = train(model, xs, ys, steps=100)
    with TemporaryDirectory() as tmp:
        loss, boundary = save_plots(model, xs, ys, history, Path(tmp))
        return loss.read_bytes(), boundary.read_bytes()


def graph_figures() -> dict[str, bytes]:
    from micrograd.examples import EXAMPLES
    from micrograd.viz import draw_dot

    return {
        f"graph-{name.replace('_', '-')}.svg": draw_dot(build()).pipe(format="svg")
        for name, build in EXAMPLES.items()
    }


def figures() -> dict[str, bytes]:
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


SOLUTION_PAGE = "solution.md"


def _without(nav: list, page: str) -> list:
    """`nav` with every entry that points at `page` left out."""
    kept = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            kept.append({next(iter(item)): _without(value, page)})
        elif value != page:
            kept.append(item)
    return kept


def on_config(config):
    if not config.extra.get("solutions", True):
        config.nav = _without(config.nav, SOLUTION_PAGE)
    return config


def drop_solution(files: Files, config) -> Files:
    """Leave the solution page out of the build when `extra: solutions` is false."""
    solution = files.get_file_from_path(SOLUTION_PAGE)
    if solution is not None and not config.extra.get("solutions", True):
        files.remove(solution)
    return files


def release_notebooks() -> dict[str, bytes]:
    """The student release, as `mgc release` wrote it: {site path: the notebook's bytes}.

    Copied into the build, never into docs/: the site serves the current release.
    """
    from mgc.manifest import ROOT, load

    notebooks = {}
    for assignment in load().assignments:
        release = ROOT / assignment.notebook.replace("solutions/", "exercises/", 1)
        notebooks[f"exercises/{assignment.id}/{release.name}"] = release.read_bytes()
    return notebooks


def on_page_markdown(markdown: str, page, config, files) -> str:
    """`{{ config.repo_url }}` in a page becomes the repository named in mkdocs.yml."""
    return markdown.replace("{{ config.repo_url }}", config.repo_url or "")


def on_files(files: Files, config) -> Files:
    drop_solution(files, config)
    for path, content in release_notebooks().items():
        files.append(File.generated(config, path, content=content))
    made = figures()
    for name, content in made.items():
        files.append(File.generated(config, f"figures/{name}", content=content))
    log.info("drew %d figures from the reference code", len(made))
    return files
