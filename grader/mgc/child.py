"""The sandboxed child: loads one student notebook's code, then runs one probe on it.

Started by mgc.sandbox as `python -I -S -B -c SOURCE REQUEST_FD REPORT_FD`, confined
(see mgc.sandbox), with nothing but the standard library to import. One child grades
one exercise and is then killed. The parent writes each message on REQUEST_FD as
8 bytes of length and a marshal blob (CODE: a code object the parent compiled), and
reads one JSON line per report on REPORT_FD:

  {"limits": {RLIMIT: n}, "helpers": CODE,      ->  {"cell": i} before each cell,
   "cells": [SOURCE, ...]}
                                                    {"cell_error": i, "error": ...},
                                                    {"loaded": true}
  {"payload": CODE, "probe": NAME,              ->  {"results": [...]}
   "cases": [...], "options": {...}}

The payload, the only grader code that could help a student, arrives after the
student's code has run, and holds nothing that answers this child's exercise
(mgc.payload). Student output goes to /dev/null. Every report is untrusted: the
parent checks its shape and decides everything from its own copy of the cases.
"""

import marshal
import os
import resource
import sys


def main() -> None:
    requests, reports = int(sys.argv[1]), int(sys.argv[2])
    run, build, write = exec, compile, os.write  # bound now: a student's cell may replace them

    def receive() -> dict:
        size = int.from_bytes(_read(requests, 8), "big")
        return marshal.loads(_read(requests, size))

    def send(message: dict) -> None:
        data = (_json(message) + "\n").encode("utf-8", "backslashreplace")
        while data:
            data = data[write(reports, data) :]

    setup = receive()
    for name, value in setup["limits"].items():  # before any student code: it cannot raise them again
        resource.setrlimit(getattr(resource, name), (value, value))
    helpers: dict = {"__name__": "mgc_helpers"}
    run(marshal.loads(setup["helpers"]), helpers)
    describe = helpers["describe"]

    namespace: dict = {"__name__": "__main__", "get_ipython": _NoIPython}
    for index, source in enumerate(setup["cells"]):
        send({"cell": index})  # the parent knows which cell hung if this is the last it sees
        try:
            run(build(source, f"<cell {index + 1}>", "exec"), namespace)
        except BaseException as error:  # a broken cell is reported, and the next one runs
            send({"cell_error": index, "error": describe(error)})
    send({"loaded": True})

    request = receive()
    grader: dict = {"__name__": "mgc_probes"}
    run(marshal.loads(request["payload"]), grader)
    send({"results": grader[request["probe"]](namespace, request["cases"], **request["options"])})


def _read(fd: int, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = os.read(fd, size - len(data))
        if not chunk:
            raise SystemExit(0)  # the parent is gone
        data += chunk
    return data


def _json(value) -> str:
    """JSON for the plain values a report holds. Written here because importing the json module
    costs a child more (re, enum: about 18 ms here) than everything else it does."""
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return '"' + "".join(c if c >= " " else f"\\u{ord(c):04x}" for c in escaped) + '"'
    if value is True or value is False or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        number = float(value)
        if number != number:
            return "NaN"
        if number in (float("inf"), float("-inf")):
            return "Infinity" if number > 0 else "-Infinity"
        return repr(number)
    if isinstance(value, dict):
        return "{" + ",".join(_json(str(k)) + ":" + _json(v) for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_json(v) for v in value) + "]"
    return _json(repr(value))


class _NoIPython:
    """What `get_ipython()` gives a notebook's magics here: nothing runs, shell escapes included."""

    def __getattr__(self, name: str):
        return lambda *args, **kwargs: None


if __name__ == "__main__":
    main()
