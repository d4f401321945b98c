"""Shipping the grader: what an autograder (Gradescope's, GitHub Classroom's) installs, and how it
installs PyTorch. The grader's package and the manifest only: never the reference engine, the
solutions, the release or the samples."""

from __future__ import annotations

import functools
import re
import tomllib
from pathlib import Path

from mgc.course.manifest import course_root


@functools.cache
def torch_pip_args(text: str | None = None) -> tuple[str, ...]:
    """pip's arguments for PyTorch's CPU build, as torch-cpu.txt (the one PyTorch install) writes them."""
    text = (course_root() / "torch-cpu.txt").read_text(encoding="utf-8") if text is None else text
    return tuple(word for line in text.splitlines() if not line.startswith("#") for word in line.split())


# What the autograder installs: the grader package and the manifest it reads (mgc.course.manifest reads
# course.toml beside grader/). Not the reference engine, the solutions, the release or the samples.
SOURCE_FILES = ["README.md", "course.toml", "torch-cpu.txt"]
SOURCE_TREES = ["grader/mgc"]


def grader_project() -> list[tuple[Path, str]]:
    """The files of the grader's project that an autograder ships, besides its pyproject.toml:
    (where the file is, its name in the project)."""
    files = [(course_root() / name, name) for name in SOURCE_FILES]
    for tree in SOURCE_TREES:
        for path in sorted((course_root() / tree).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                files.append((path, str(path.relative_to(course_root()))))
    return files


def autograder_pyproject(text: str | None = None) -> str:
    """The project's pyproject.toml with only the packages shipped in the autograder (those under
    grader/), so that it installs without the reference engine."""
    text = (course_root() / "pyproject.toml").read_text(encoding="utf-8") if text is None else text
    config = tomllib.loads(text)["tool"]["setuptools"]
    dirs = {name: d for name, d in config["package-dir"].items() if d.startswith("grader/")}
    packages = [p for p in config["packages"] if p.split(".")[0] in dirs]
    lines = {
        "package-dir": "{ " + ", ".join(f'"{n}" = "{d}"' for n, d in dirs.items()) + " }",
        "packages": "[" + ", ".join(f'"{p}"' for p in packages) + "]",
    }
    for key, value in lines.items():
        text, count = re.subn(rf"^{key}\s*=.*$", f"{key} = {value}", text, flags=re.MULTILINE)
        if count != 1:
            raise ValueError(f"pyproject.toml: expected one `{key} =` line, found {count}")
    written = tomllib.loads(text)["tool"]["setuptools"]
    assert written["package-dir"] == dirs and written["packages"] == packages
    return "# The course's pyproject.toml, less the packages the autograder does not ship.\n" + text
