"""The sandboxed child: loads one student notebook's code, then runs one probe on it.

Started by mgc.sandbox as `python -I -S -B -c SOURCE REQUEST_FD REPORT_FD`, confined
(see mgc.sandbox), with nothing but the standard library to import. One child grades
one exercise and is then killed. The parent writes one JSON line per message on
REQUEST_FD, and reads one JSON line per report on REPORT_FD:

  {"helpers": SOURCE, "cells": [SOURCE, ...]}   ->  {"cell": i} before each cell,
                                                    {"cell_error": i, "error": ...},
                                                    {"loaded": true}
  {"payload": SOURCE, "probe": NAME,            ->  {"results": [...]}
   "cases": [...], "options": {...}}

The payload, the only grader code that could help a student, arrives after the
student's code has run, and holds nothing that answers this child's exercise
(mgc.payload). Student output goes to /dev/null. Every report is untrusted: the
parent checks its shape and decides everything from its own copy of the cases.
"""

import json
import os
import sys


def main() -> None:
    requests = os.fdopen(int(sys.argv[1]), "r", encoding="utf-8")
    reports = os.fdopen(int(sys.argv[2]), "w", encoding="utf-8")
    dumps, loads, readline = json.dumps, json.loads, requests.readline
    run, build = exec, compile  # bound now: a student's cell may replace the built-ins

    def send(message: dict) -> None:
        reports.write(dumps(message, allow_nan=True) + "\n")
        reports.flush()

    setup = loads(readline())
    helpers: dict = {"__name__": "mgc_helpers"}
    run(build(setup["helpers"], "<mgc helpers>", "exec"), helpers)
    describe = helpers["describe"]

    namespace: dict = {"__name__": "__main__", "get_ipython": _NoIPython}
    for index, source in enumerate(setup["cells"]):
        send({"cell": index})  # the parent knows which cell hung if this is the last it sees
        try:
            run(build(source, f"<cell {index + 1}>", "exec"), namespace)
        except BaseException as error:  # a broken cell is reported, and the next one runs
            send({"cell_error": index, "error": describe(error)})
    send({"loaded": True})

    request = loads(readline())
    grader: dict = {"__name__": "mgc_probes"}
    run(build(request["payload"], "<mgc probes>", "exec"), grader)
    send({"results": grader[request["probe"]](namespace, request["cases"], **request["options"])})


class _NoIPython:
    """What `get_ipython()` gives a notebook's magics here: nothing runs, shell escapes included."""

    def __getattr__(self, name: str):
        return lambda *args, **kwargs: None


if __name__ == "__main__":
    main()
