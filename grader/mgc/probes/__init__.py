"""What the judge runs beside the student's code (probes.py), what those probes hand to it
(handed.py), and which of them each exercise's child is sent (payload.py). Standard library only,
but payload.py, which runs in the grader."""
