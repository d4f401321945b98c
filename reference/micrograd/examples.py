"""The lecture's worked examples as small functions, and a command that draws them.

    python -m micrograd.examples --out build/graphs

Each function builds its expression, runs backward() on it and returns the
root, ready for `draw_dot`. The course site and the tests use the same ones.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

from micrograd.engine import Value

NEURON_BIAS = 6.8813735870195432  # chosen so that n = 0.8814 and tanh(n) = 1/sqrt(2)


def _named(**values: float) -> list[Value]:
    return [Value(v, label=name) for name, v in values.items()]


def expression() -> Value:
    """L = (a*b + c) * f with a=2, b=-3, c=10, f=-2: the first graph backpropagated by hand."""
    a, b, c, f = _named(a=2.0, b=-3.0, c=10.0, f=-2.0)
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    L.backward()
    return L


def neuron(tanh_from_exp: bool = False) -> Value:
    """o = tanh(x1*w1 + x2*w2 + b): one neuron with two inputs.

    With `tanh_from_exp`, tanh is spelled out as (e**2n - 1) / (e**2n + 1).
    """
    x1, x2, w1, w2, b = _named(x1=2.0, x2=0.0, w1=-3.0, w2=1.0, b=NEURON_BIAS)
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    if tanh_from_exp:
        e = (2 * n).exp()
        e.label = "e"
        o = (e - 1) / (e + 1)
    else:
        o = n.tanh()
    o.label = "o"
    o.backward()
    return o


def reuse() -> Value:
    """b = a + a: the same value used twice, whose gradient must be 2."""
    (a,) = _named(a=3.0)
    b = a + a
    b.label = "b"
    b.backward()
    return b


def reuse_twice() -> Value:
    """f = (a*b) * (a+b) with a=-2, b=3: both inputs reach f along two paths."""
    a, b = _named(a=-2.0, b=3.0)
    d = a * b
    d.label = "d"
    e = a + b
    e.label = "e"
    f = d * e
    f.label = "f"
    f.backward()
    return f


EXAMPLES: dict[str, Callable[[], Value]] = {
    "expression": expression,
    "neuron": neuron,
    "neuron_from_exp": lambda: neuron(tanh_from_exp=True),
    "reuse": reuse,
    "reuse_twice": reuse_twice,
}


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: draw every example into `--out`; returns the exit status."""
    from micrograd.viz import save_svg

    parser = argparse.ArgumentParser(prog="python -m micrograd.examples", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("build/graphs"), help="folder for the SVG files")
    args = parser.parse_args(argv)
    for name, build in EXAMPLES.items():
        print(f"saved {save_svg(build(), args.out / f'{name}.svg')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
