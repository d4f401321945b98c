"""The sandbox: runs untrusted code in confined child processes that the grader can always stop,
and knows nothing about micrograd. runner.py is the grader's side; child.py the confined server
and its children; launcher.py, interpreter.py and syscalls.py how they are confined; standins.py
what honest notebook code finds there besides the standard library."""
