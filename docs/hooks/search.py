"""The search index's last touches, once every edition is in it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hooks.mathjax import plain_math

MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]|\$\$(.+?)\$\$", re.S)


def plain_math_in_index(site_dir: str) -> None:
    """Search snippets show formulas as text: the index gets plain math instead of TeX."""
    path = Path(site_dir) / "search" / "search_index.json"
    if not path.exists():
        return
    index = json.loads(path.read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for key in ("title", "text"):
            doc[key] = MATH.sub(lambda m: plain_math(next(g for g in m.groups() if g is not None)), doc[key])
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
