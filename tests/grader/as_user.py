"""Run the attacks through the sandbox and print what they achieved, as JSON: the guard's, then
four on the layers beneath it (the filter, the namespaces, the uid), with the guard off.

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
from mgc.sandbox import syscalls
from mgc.sandbox.runner import Limits, Sandbox, SandboxError, confinement


def main() -> None:
    targets = {**json.loads(sys.argv[1]), "grader_pid": str(os.getpid())}
    guarded = Sandbox([attacks.PAST_THE_GUARD], Limits(5, 5))
    guarded.probe("zero_grad", [])
    past_guard = eval(guarded.cell_errors[0].split("GUARD", 1)[1].split("\n")[0])
    beneath = Limits(5, 5, guarded=False)
    thief = Sandbox([attacks.THIEF], beneath)
    case = {"op": "mul", "expr": "a * b", "values": [2.0, 3.0], "const": None, "seed": 1.0, "pre": [0.0, 0.0]}
    stolen = thief.probe("operation", [case], keep=["__mul__"], eps=1e-6)[0]
    snoop = Sandbox([attacks.snoop(targets)], beneath)
    snoop.probe("zero_grad", [])
    report = {"confinement": confinement(), "filtered": syscalls.available(), "stolen": stolen}
    report["past_guard"] = past_guard
    bystander = None  # as root: a classmate's child, as the fallback would run it (uid 65534)
    if os.geteuid() == 0:
        bystander = subprocess.Popen(["sleep", "60"], user=65534, group=65534, extra_groups=[])
    for name, cell in (("wedged", attacks.WEDGE_PIPES), ("killed", attacks.KILL_EVERYTHING)):
        try:
            Sandbox([cell], Limits(2, 2, guarded=False)).probe("zero_grad", [])
            report[name] = "graded"
        except SandboxError as error:
            report[name] = str(error)
    if bystander is not None:
        report["bystander"] = "alive" if bystander.poll() is None else f"died ({bystander.returncode})"
        bystander.kill()
    print(json.dumps({**report, "found": snoop.cell_errors[0]}))  # and this process is still here


if __name__ == "__main__":
    main()
