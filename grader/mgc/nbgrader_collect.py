"""nbgrader's zip_collect for the LMSs' own file names: which student each file of a download is.

`nbgrader zip_collect ASSIGNMENT` unpacks downloaded/ASSIGNMENT/archive/ into .../extracted/ and asks
this plugin, file by file, whose each one is. The student is read from the entry at the top of the
download only, by a strict pattern of the LMS that made it:

- Canvas: login_12345_67890_engine.ipynb (12345: the Canvas user id, the roster's ID; a `late_`
  may follow the login; a resubmission keeps its own name, engine-1.ipynb);
- Moodle: a folder per student, Full Name_12345_assignsubmission_file_/engine.ipynb (12345: the
  participant number of Moodle's grading worksheet);
- Blackboard: Assignment_username_attempt_2026-12-01-23-59-00_engine.ipynb (the time is kept).

A file deeper down (unpacked from a zip a student uploaded) belongs to whoever the top entry names,
whatever its own name says. Every notebook is filed under submitted/STUDENT/ASSIGNMENT/: the first of
a student's as the release names it, any other under its own name made safe, so that mgc grade flags
it as a second copy. A notebook that no pattern places stops the collect, naming every such file;
other files (PDFs, Blackboard's receipts, macOS's __MACOSX) are skipped.

The archives are unpacked by SafeExtractor, not nbgrader's own unzip, which stops the whole collect
at the first member named `../x` (one student's upload would hold up the class): here such a member
is unpacked inside its own archive's folder, links are skipped, and so is anything too large to be
a notebook, each named in the log.
"""

from __future__ import annotations

import os
import re
import shutil
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

from nbgrader.plugins import ExtractorPlugin, FileNameCollectorPlugin

from mgc.course.notebook import SIZE_LIMIT

PATTERNS = {
    "canvas": re.compile(
        r"^(?P<login>[A-Za-z0-9][A-Za-z0-9.-]*)_(?:late_|LATE_)?(?P<student>\d+)_\d+_(?P<file>.+)$"
    ),
    "moodle": re.compile(r"^(?P<name>.+?)_(?P<student>\d+)_assignsubmission_[a-z]+_$"),
    "blackboard": re.compile(
        r"^.+?_(?P<student>[A-Za-z0-9.-]+)_attempt_(?P<time>\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d)(?:_(?P<file>.+))?$"
    ),
}
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def place(top: str) -> tuple[str, str] | None:
    """(student, timestamp) for a download's top entry, by the first LMS pattern it fits."""
    for pattern in PATTERNS.values():
        found = pattern.match(top)
        if found and SAFE_ID.match(found["student"]):
            time = found.groupdict().get("time")
            if time:
                day, clock = time[:10], time[11:].replace("-", ":")
                return found["student"], f"{day} {clock}"
            return found["student"], ""
    return None


def safe_name(name: str) -> str:
    """A notebook's own name, made safe to file: no folders, no dots in front, nothing odd."""
    stem = re.sub(r"[^A-Za-z0-9._ ()-]+", "-", Path(name).stem).strip(". ") or "notebook"
    return f"{stem}.ipynb"


class LmsCollector(FileNameCollectorPlugin):
    """nbgrader's file-name collector for Canvas, Moodle and Blackboard downloads (module docstring)."""

    def _placed(self) -> dict[str, dict]:
        """Every file of the download, placed once, on the first call: {path: nbgrader's info}."""
        if getattr(self, "_table", None) is not None:
            return self._table
        app = self.parent
        assignment = app.coursedir.assignment_id
        extracted = Path(app._format_collect_path(app.extracted_directory))
        archives = Path(app._format_collect_path(app.archive_directory))
        stems = {Path(p).name.split(".")[0] for p in os.listdir(archives)} if archives.is_dir() else set()
        table, lost, counted = {}, [], {}
        for path in sorted(p for p in extracted.rglob("*") if p.is_file() and not p.is_symlink()):
            parts = path.relative_to(extracted).parts
            if len(parts) > 1 and parts[0] in stems:  # the LMS's zip, unpacked into its own folder
                parts = parts[1:]
            if "__MACOSX" in parts or path.suffix != ".ipynb":
                continue
            placed = place(parts[0])
            if placed is None:
                lost.append(str(path.relative_to(extracted)))
                continue
            student, time = placed
            counted[student] = counted.get(student, 0) + 1
            file_id = (
                f"{assignment}.ipynb"
                if counted[student] == 1
                else safe_name(f"{counted[student]}-{path.name}")
            )
            table[str(path)] = {"student_id": student, "file_id": file_id} | (
                {"timestamp": time} if time else {}
            )
        if lost:
            app.fail(
                "these notebooks fit no LMS's file names (Canvas, Moodle, Blackboard), so nothing was "
                "collected; rename them as the LMS does, or file them by hand under submitted/: "
                + ", ".join(lost)
            )
        self._table = table
        return table

    def collect(self, submitted_file: str):
        return self._placed().get(str(Path(submitted_file)))


ARCHIVES = (".zip", ".tar", ".tar.gz", ".tgz", ".gz")
MEMBER_LIMIT = 4 * SIZE_LIMIT  # a notebook is refused past SIZE_LIMIT; room for the rest of an upload
NESTING = 3  # a zip inside a zip inside the download; deeper ones are left packed


class SafeExtractor(ExtractorPlugin):
    """nbgrader's extractor, made safe against what students upload (module docstring)."""

    def extract(self, archive_path: str, extracted_path: str) -> None:
        for root, _, files in os.walk(archive_path):
            target = Path(extracted_path) / Path(root).relative_to(archive_path)
            target.mkdir(parents=True, exist_ok=True)
            for name in sorted(files):
                source = Path(root) / name
                if name.lower().endswith(ARCHIVES):
                    self._unpack(source, target / _stem(name), NESTING)
                else:
                    shutil.copy(source, target / name)

    def _unpack(self, archive: Path, folder: Path, depth: int) -> None:
        """Unpack `archive` into `folder`, then any archive found in it, `depth` levels down."""
        folder.mkdir(parents=True, exist_ok=True)
        self.log.info("Extracting %s to %s", archive, folder)
        try:
            for name, size, read in _members(archive):
                relative = _inside(name)
                if relative is None:
                    self.log.warning("%s: skipped %r (a link, or no file name)", archive, name)
                elif size > MEMBER_LIMIT:
                    self.log.warning("%s: skipped %r (%d bytes: too large)", archive, name, size)
                else:
                    destination = folder / relative
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    with read() as data, open(destination, "wb") as out:
                        shutil.copyfileobj(_limited(data, MEMBER_LIMIT), out)
        except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError) as error:
            self.log.warning("%s could not be unpacked (%s): its files are not collected", archive, error)
            return
        if depth > 1:
            inners = [p for p in folder.rglob("*") if p.is_file() and p.name.lower().endswith(ARCHIVES)]
            for inner in sorted(inners):
                self._unpack(inner, inner.parent / _stem(inner.name), depth - 1)


def _stem(name: str) -> str:
    lowered = name.lower()
    return name[: -len(next(e for e in ARCHIVES if lowered.endswith(e)))] or "archive"


def _inside(name: str) -> PurePosixPath | None:
    """A member's name as a path inside its folder: no root, no `..`, no empty or dot parts."""
    parts = [p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in ("/", "", ".", "..")]
    parts = [p for p in parts if not re.match(r"^[A-Za-z]:$", p)]
    return PurePosixPath(*parts) if parts else None


def _members(archive: Path):
    """(name, size, opener) for each regular file of a zip or tar archive; links and folders skipped."""
    if zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as z:
            for info in z.infolist():
                if not info.is_dir() and (info.external_attr >> 16) & 0o170000 != 0o120000:
                    yield info.filename, info.file_size, lambda info=info: z.open(info)
        return
    with tarfile.open(archive) as t:
        for member in t.getmembers():
            if member.isfile():
                yield member.name, member.size, lambda member=member: t.extractfile(member)


def _limited(data, limit: int):
    """`data`, read no further than `limit` bytes (a zip's header may understate its size)."""

    class Limited:
        left = limit

        def read(self, size: int = -1) -> bytes:
            size = self.left if size < 0 else min(size, self.left)
            chunk = data.read(size) if size > 0 else b""
            self.left -= len(chunk)
            return chunk

    return Limited()
