"""Run four attacks through the sandbox and print what they achieved, as JSON.

Started by test_as_user.py with Debian's /usr/bin/python3, as an unprivileged user (or as
root with MGC_SANDBOX="unprivileged user"), with only a copy of the sandbox's modules and
attacks.py on its path: the sandbox needs nothing else.

    python3 as_user.py TARGETS_JSON
"""

import json
import os
import subprocess
import sys

import attacks
from mgc import syscalls
from mgc.sandbox import Limits, Sandbox, SandboxError, confinement


def main() -> None:
    targets = {**json.loads(sys.argv[1]), "grader_pid": str(os.getpid())}
    thief = Sandbox([attacks.THIEF], Limits(5, 5))
    case = {"op": "mul", "expr": "a * b", "values": [2.0, 3.0], "const": None, "seed": 1.0, "pre": [0.0, 0.0]}
    stolen = thief.probe("operation", [case], keep=["__mul__"])[0]
    snoop = Sandbox([attacks.snoop(targets)], Limits(5, 5))
    snoop.probe("zero_grad", [])
    report = {"confinement": confinement(), "filtered": syscalls.available(), "stolen": stolen}
    bystander = None  # as root: a classmate's child, as the fallback would run it (uid 65534)
    if os.geteuid() == 0:
        bystander = subprocess.Popen(["sleep", "60"], user=65534, group=65534, extra_groups=[])
    for name, cell in (("wedged", attacks.WEDGE_PIPES), ("killed", attacks.KILL_EVERYTHING)):
        try:
            Sandbox([cell], Limits(2, 2)).probe("zero_grad", [])
            report[name] = "graded"
        except SandboxError as error:
            report[name] = str(error)
    if bystander is not None:
        report["bystander"] = "alive" if bystander.poll() is None else f"died ({bystander.returncode})"
        bystander.kill()
    print(json.dumps({**report, "found": snoop.cell_errors[0]}))  # and this process is still here


if __name__ == "__main__":
    main()
