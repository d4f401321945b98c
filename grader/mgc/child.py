"""The sandboxed child: runs one student notebook's code and answers the parent's probes.

Started by mgc.sandbox as `python -I -S child.py REQUEST_FD REPORT_FD`: no site
packages, so neither the reference micrograd, nor the grader, nor torch can be
imported from here. Standard library only.

The parent writes one JSON message per line on REQUEST_FD:
  {"probes": SOURCE, "cells": [SOURCE, ...]}  first, once
  {"probe": NAME, "cases": [...], "options": {...}}  then, any number of times
and reads one JSON line per message on REPORT_FD. Student output goes to
/dev/null; a student who writes fake reports on stdout reaches nobody.
"""

import json
import os
import sys


def main() -> None:
    requests = os.fdopen(int(sys.argv[1]), "r", encoding="utf-8")
    reports = os.fdopen(int(sys.argv[2]), "w", encoding="utf-8")
    dumps, loads = json.dumps, json.loads  # bound before any student code runs

    def send(message: dict) -> None:
        reports.write(dumps(message, allow_nan=True) + "\n")
        reports.flush()

    setup = loads(requests.readline())
    probes: dict = {"__name__": "mgc_probes"}
    exec(compile(setup["probes"], "<mgc probes>", "exec"), probes)
    describe, table = probes["describe"], probes["PROBES"]

    namespace: dict = {"__name__": "__main__", "get_ipython": _NoIPython}
    for index, source in enumerate(setup["cells"]):
        send({"cell": index})  # the parent knows which cell hung if this is the last it sees
        try:
            exec(compile(source, f"<cell {index + 1}>", "exec"), namespace)
        except BaseException as error:  # a broken cell is reported, and the next one runs
            send({"cell_error": index, "error": describe(error)})
    send({"loaded": True})

    for line in requests:
        request = loads(line)
        results = table[request["probe"]](namespace, request["cases"], **request.get("options", {}))
        send({"results": results})


class _NoIPython:
    """What `get_ipython()` gives a notebook's magics here: nothing runs, shell escapes included."""

    def __getattr__(self, name: str):
        return lambda *args, **kwargs: None


if __name__ == "__main__":
    main()
